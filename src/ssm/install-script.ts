/**
 * The shell script fix-nginx runs on each instance (through SSM, and at boot from the launch template's user
 * data with --persist): install nginx, serve the target group's port and health-check path, write an index page,
 * validate, enable and start. Idempotent: a second run changes nothing and says so in its last line.
 *
 * POSIX sh on purpose: AWS-RunShellScript runs the lines with `sh`, which is dash on Ubuntu.
 * User content (the index page) travels base64-encoded and is decoded on the instance, so no byte of it is ever
 * read by a shell. Everything else in the script comes from validated numbers and a validated path.
 * `ASG_DOCTOR_ROOT` moves every file the script touches under a directory: tests run the script for real
 * against stub commands; on an instance the variable is unset and the paths are the real ones.
 *
 * Output is kept short (package manager logs go to a file and only their tail is printed on failure): SSM returns
 * only the first 2,500 characters of output through ListCommandInvocations, and the trailer must survive.
 */
import {UserError} from '../lib/errors.js'
import {AMAZON_LINUX_2_INSTALL, CONF_PATH, CONFIG_TEST, DEFAULT_INDEX_HTML, NGINX_PACKAGES, SERVICE, WEB_ROOT, nginxConfig, validateHealthCheckPath, validatePort} from '../lib/nginx-install.js'

// The steps themselves (packages, config, service) are defined in src/lib/nginx-install.ts; re-exported here for
// the script's callers.
export {CONF_PATH, DEFAULT_INDEX_HTML, WEB_ROOT, nginxConfig, validateHealthCheckPath, validatePort}

/** Begins every copy of the script; persist looks for it in user data to stay idempotent. */
export const INSTALL_MARKER = '# asg-doctor nginx install'
/** The last line of the script's output: `changed=a,b`, `unchanged` or `failed=<step> [changed=...]`. */
export const RESULT_PREFIX = 'asg-doctor-result:'
/** SSM parameters and user data (16 KB) are small; an index page is a page, not a site. */
export const MAX_INDEX_BYTES = 12 * 1024

export interface InstallOptions {
  /** The target group's traffic port. */
  port: number
  /** The health-check port when it differs from the traffic port. */
  healthCheckPort?: number
  /** The target group's health-check path, e.g. `/health` (a query string is allowed and ignored by nginx). */
  healthCheckPath: string
  /** The index page; the default page when omitted. Bytes, so a file arrives exactly as it is. */
  indexHtml?: string | Uint8Array
}

export function indexBytes(indexHtml: string | Uint8Array | undefined): Buffer {
  const bytes = Buffer.from(indexHtml ?? DEFAULT_INDEX_HTML)
  if (bytes.length > MAX_INDEX_BYTES) {
    throw new UserError(`The index page is ${bytes.length} bytes; fix-nginx carries at most ${MAX_INDEX_BYTES}.`, 'Keep the page small here and deploy a site with your usual tooling.')
  }
  return bytes
}

/** The commands the script splices in: asg-doctor's own text from src/lib/nginx-install.ts, never an account's. */
const STEPS: Record<string, string> = {
  DNF_INSTALL: NGINX_PACKAGES.dnf.install,
  YUM_INSTALL: NGINX_PACKAGES.yum.install,
  AL2_INSTALL: AMAZON_LINUX_2_INSTALL,
  APT_ENV: NGINX_PACKAGES.apt.env!,
  APT_REFRESH: NGINX_PACKAGES.apt.refresh!,
  APT_INSTALL: NGINX_PACKAGES.apt.install,
  CONFIG_TEST,
  ENABLE: SERVICE.enable,
  START: SERVICE.start,
  RELOAD: SERVICE.reload,
}

export function installScript(options: InstallOptions): string[] {
  const port = validatePort(options.port)
  const ports = [...new Set([port, validatePort(options.healthCheckPort ?? port, 'health-check port')])]
  const locationPath = validateHealthCheckPath(options.healthCheckPath)
  const index64 = indexBytes(options.indexHtml).toString('base64')
  const conf = nginxConfig(ports, locationPath)
  // The steps first, so that no value spliced in later is ever read as a placeholder.
  return SCRIPT.replace(/@([A-Z0-9_]+)@/g, (whole, name: string) => STEPS[name] ?? whole)
    .replace('@HEADER@', `${INSTALL_MARKER} v1: port(s) ${ports.join(',')}, health check ${options.healthCheckPath}`)
    .replace('@PORTS@', ports.join(' '))
    .replace('@PORT_RE@', `(${ports.join('|')})`)
    .replace('@INDEX_B64@', index64)
    .replace('@CONF_PATH@', CONF_PATH)
    .replace('@WEB_ROOT@', WEB_ROOT)
    .replace('@CONF@', () => conf)
    .split('\n')
}

// The script template. Placeholders are replaced once each; `$` in the template is the shell's.
const SCRIPT = String.raw`#!/bin/sh
@HEADER@
# Installs nginx, serves the health-check path and an index page; a re-run changes nothing.
set -u
R="${'$'}{ASG_DOCTOR_ROOT:-}"
PORTS='@PORTS@'
PORT_RE='@PORT_RE@'
INDEX_B64='@INDEX_B64@'
CONF="$R@CONF_PATH@"
WEB="$R@WEB_ROOT@"
BACKUP="$R/var/backups/asg-doctor"
LOG="$R/var/log/asg-doctor-install.log"
UNDO=$(mktemp)
changed=''
reload=''
say() { printf 'asg-doctor: %s\n' "$*"; }
mark() { changed="${'$'}{changed:+$changed,}$1"; }
fail() { say "FAILED: $2"; echo "asg-doctor-result: failed=$1${'$'}{changed:+ changed=$changed}"; rm -f "$UNDO"; exit 1; }
logged() { "$@" >>"$LOG" 2>&1 || { tail -n 15 "$LOG"; return 1; }; }
# put TMP DEST LABEL: moves TMP over DEST only when the content differs; remembers how to undo it.
put() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then rm -f "$1"; return 0; fi
  if [ -f "$2" ]; then mkdir -p "$BACKUP"; cp -p "$2" "$BACKUP/$3.prev"; echo "restore|$2|$BACKUP/$3.prev" >>"$UNDO"; else echo "remove|$2|" >>"$UNDO"; fi
  { mv -f "$1" "$2" && chmod 644 "$2"; } || fail "$3" "could not write $2"
  mark "$3"
}
rollback() { while IFS='|' read -r op path saved; do if [ "$op" = restore ]; then cp -p "$saved" "$path"; else rm -f "$path"; fi; done <"$UNDO"; }
mkdir -p "$(dirname "$LOG")"

if command -v nginx >/dev/null 2>&1; then
  say "nginx is already installed"
elif command -v dnf >/dev/null 2>&1; then
  say "installing nginx with dnf"
  logged @DNF_INSTALL@ || fail install "@DNF_INSTALL@ failed (log: $LOG)"
  mark installed
elif command -v yum >/dev/null 2>&1; then
  say "installing nginx with yum"
  if ! logged @YUM_INSTALL@; then
    command -v amazon-linux-extras >/dev/null 2>&1 || fail install "@YUM_INSTALL@ failed (log: $LOG)"
    say "trying amazon-linux-extras (Amazon Linux 2)"
    logged @AL2_INSTALL@ || fail install "@AL2_INSTALL@ failed (log: $LOG)"
  fi
  mark installed
elif command -v apt-get >/dev/null 2>&1; then
  say "installing nginx with apt-get"
  export @APT_ENV@
  logged @APT_REFRESH@ || say "@APT_REFRESH@ failed; trying the install anyway"
  logged @APT_INSTALL@ || fail install "@APT_INSTALL@ failed (log: $LOG)"
  mark installed
else
  fail install "no supported package manager (dnf, yum, apt-get) was found"
fi
command -v nginx >/dev/null 2>&1 || fail install "nginx is not on the PATH after the install"

# Another server claiming default_server on our port (Ubuntu's sites-enabled/default, the stock nginx.conf of
# Amazon Linux 2) makes nginx -t fail: take the flag off its listen line, keeping a copy outside nginx's includes.
re="^[[:space:]]*listen[[:space:]]+([^;[:space:]]*:)?${'$'}{PORT_RE}[[:space:]][^;]*default_server"
for f in "$R/etc/nginx/nginx.conf" "$R"/etc/nginx/conf.d/*.conf "$R"/etc/nginx/sites-enabled/*; do
  if [ ! -f "$f" ] || [ "$f" = "$CONF" ]; then continue; fi
  grep -Eq "$re" "$f" || continue
  real=$(readlink -f "$f")
  mkdir -p "$BACKUP"
  saved="$BACKUP/$(printf '%s' "$real" | sed 's|/|_|g')"
  cp -p "$real" "$saved" && echo "restore|$real|$saved" >>"$UNDO"
  sed -E -i "/$re/s/[[:space:]]+default_server//" "$real" || fail default-server "could not edit $real"
  say "took default_server off port(s) $PORTS in $real (copy: $saved)"
  mark default-server
  reload=1
done

mkdir -p "$(dirname "$CONF")" "$WEB" || fail config "could not create $(dirname "$CONF") or $WEB"
tmp=$(mktemp)
cat >"$tmp" <<'ASG_DOCTOR_CONF'
@CONF@
ASG_DOCTOR_CONF
before="$changed"
put "$tmp" "$CONF" config
[ "$changed" = "$before" ] || reload=1
tmp=$(mktemp)
printf '%s' "$INDEX_B64" | base64 -d >"$tmp" || fail index "could not decode the index page"
put "$tmp" "$WEB/index.html" index
command -v restorecon >/dev/null 2>&1 && restorecon -R "$WEB" >/dev/null 2>&1

if ! out=$(@CONFIG_TEST@ 2>&1); then
  printf '%s\n' "$out" | tail -n 15
  rollback
  fail config-test "@CONFIG_TEST@ rejected the configuration; asg-doctor's changes to it were undone"
fi
command -v systemctl >/dev/null 2>&1 || fail service "systemctl was not found: start nginx by hand"
if ! systemctl is-enabled --quiet nginx 2>/dev/null; then
  @ENABLE@ >/dev/null 2>&1 || fail enable "@ENABLE@ failed"
  mark enabled
fi
if ! systemctl is-active --quiet nginx 2>/dev/null; then
  @START@ || { systemctl status nginx --no-pager -l 2>&1 | tail -n 15; fail start "@START@ failed"; }
  mark started
elif [ -n "$reload" ]; then
  @RELOAD@ || fail reload "@RELOAD@ failed"
  mark reloaded
fi
rm -f "$UNDO"
say "nginx serves port(s) $PORTS"
if [ -n "$changed" ]; then echo "asg-doctor-result: changed=$changed"; else echo "asg-doctor-result: unchanged"; fi`
