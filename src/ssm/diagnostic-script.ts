/**
 * The read-only diagnostic script that `diagnose` sends to the instances with AWS-RunShellScript.
 *
 * Strictly read-only: it installs, restarts and writes nothing (no temp files either). It runs under `sh`, which
 * is dash on Ubuntu and bash on Amazon Linux / RHEL-likes, so it is POSIX sh; every probe is guarded with
 * `command -v` and nothing fails the whole script. Its output is one `key=value` per line under the header line
 * `ASGD1`, ending with `end=1`, and stays well under the 2,500 characters that ListCommandInvocations returns.
 * Every value goes through `kv`, which drops control characters and newlines and cuts the value, so that a
 * hostile log line or config cannot forge a key. Parsed by src/ssm/parse.ts.
 *
 * The shell text below is a String.raw template with @@NAME@@ placeholders, and uses no `${...}` so that
 * TypeScript never interpolates into it.
 */
import {DIAGNOSTIC_SCRIPT_VERSION} from '../snapshot/on-instance-types.js'

export interface DiagnosticScriptOptions {
  /** The port the target group sends traffic to (the registered target's port). */
  targetPort: number
  /** The health-check port, already resolved from 'traffic-port'. */
  healthCheckPort: number
  healthCheckPath: string
  /** HTTP or HTTPS (the target group's HealthCheckProtocol). */
  healthCheckProtocol: string
  /**
   * Prefix for the files the script reads (/etc/os-release, the nginx error log, /run/systemd/system,
   * /usr/sbin/nginx). Tests point it at a temp dir; on an instance it is empty.
   */
  rootDir?: string
}

/** Quotes any string for POSIX sh: single quotes, each embedded quote as '\''. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

const SCRIPT = String.raw`# asg-doctor diagnose: read-only checks of the web server. Installs, restarts and writes nothing.
export LC_ALL=C
TPORT=@@TPORT@@
HPORT=@@HPORT@@
HPATH=@@HPATH@@
HSCHEME=@@HSCHEME@@
R=@@ROOT@@
has() { command -v "$1" >/dev/null 2>&1; }
# One key=value line: control characters and newlines dropped, value cut to $3 (200) characters.
kv() { n=$3; [ -n "$n" ] || n=200; v=$(printf '%s' "$2" | tr '\t\r\n' '   ' | tr -cd ' -~' | cut -c "1-$n"); printf '%s=%s\n' "$1" "$v"; }
tmo() { if has timeout; then timeout 10 "$@"; else "$@"; fi; }
echo @@VERSION@@
IP=
if has curl; then
  TOK=$(curl -s -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token 2>/dev/null)
  IP=$(curl -s -m 2 -H "X-aws-ec2-metadata-token: $TOK" http://169.254.169.254/latest/meta-data/local-ipv4 2>/dev/null)
fi
case "$IP" in ''|*[!0-9.]*) IP= ;; esac
if [ -z "$IP" ] && has hostname; then IP=$(hostname -I 2>/dev/null | awk '{print $1}'); fi
case "$IP" in ''|*[!0-9.]*) IP= ;; esac
kv ip "$IP"
osv() { sed -n "s/^$1=//p" "$R/etc/os-release" 2>/dev/null | head -n 1 | tr -d "\"'"; }
if [ -r "$R/etc/os-release" ]; then kv os.id "$(osv ID)"; kv os.version "$(osv VERSION_ID)"; kv os.name "$(osv PRETTY_NAME)" 60; fi
PM=
for p in dnf yum apt-get zypper apk; do if has "$p"; then PM=$p; break; fi; done
if [ "$PM" = apt-get ]; then PM=apt; fi
kv pkg "$PM"
SD=0
if has systemctl && [ -d "$R/run/systemd/system" ]; then SD=1; fi
kv systemd "$SD"
NGX=$(command -v nginx 2>/dev/null)
if [ -z "$NGX" ] && [ -x "$R/usr/sbin/nginx" ]; then NGX="$R/usr/sbin/nginx"; fi
if [ -n "$NGX" ]; then kv nginx.bin "$NGX" 60; else kv nginx.bin ''; fi
if [ "$SD" = 1 ]; then
  kv nginx.active "$(tmo systemctl is-active nginx 2>/dev/null | head -n 1)" 20
  kv nginx.enabled "$(tmo systemctl is-enabled nginx 2>/dev/null | head -n 1)" 20
  kv nginx.status "$(tmo systemctl status nginx --no-pager 2>&1 | grep -m 1 -E 'Active:|could not be found' | sed 's/^[[:space:]]*//')" 120
fi
if has pgrep; then kv nginx.procs "$(pgrep -x nginx 2>/dev/null | wc -l | tr -d ' ')"; fi
ELOG=/var/log/nginx/error.log
if [ -n "$NGX" ]; then
  kv nginx.version "$(tmo "$NGX" -v 2>&1 | sed -n 's|.*nginx/||p' | head -n 1)" 40
  if OUT=$(tmo "$NGX" -t 2>&1); then kv nginx.test ok; else kv nginx.test fail; fi
  MSG=$(printf '%s\n' "$OUT" | grep -m 1 -E '\[(emerg|alert|crit|error)\]')
  if [ -z "$MSG" ]; then MSG=$(printf '%s\n' "$OUT" | tail -n 1); fi
  kv nginx.test.msg "$MSG" 240
  if CONF=$(tmo "$NGX" -T 2>/dev/null); then
    kv nginx.keepalive "$(printf '%s\n' "$CONF" | sed -n 's/^[[:space:]]*keepalive_timeout[[:space:]][[:space:]]*\([^;]*\);.*/\1/p' | head -n 8 | tr '\n' ',' | sed 's/,$//')" 60
    L=$(printf '%s\n' "$CONF" | sed -n 's/^[[:space:]]*error_log[[:space:]][[:space:]]*\(\/[^;[:space:]]*\).*/\1/p' | head -n 1)
    if [ -n "$L" ]; then ELOG=$L; fi
  fi
fi
if [ -r "$R$ELOG" ]; then tail -n 5 "$R$ELOG" 2>/dev/null | while IFS= read -r L; do kv log "$L" 120; done; fi
LT=none
SOCKS=
if has ss; then
  LT=ss
  SOCKS=$(tmo ss -ltnp 2>/dev/null | awk '$1=="LISTEN"{a=$4; p=a; sub(/:[^:]*$/,"",a); sub(/.*:/,"",p); u=$6; sub(/^users:\(\("/,"",u); sub(/".*/,"",u); print a, p, u}')
elif has netstat; then
  LT=netstat
  SOCKS=$(tmo netstat -ltnp 2>/dev/null | awk '$6=="LISTEN"{a=$4; p=a; sub(/:[^:]*$/,"",a); sub(/.*:/,"",p); u=$7; sub(/^[0-9]*\//,"",u); sub(/:.*/,"",u); print a, p, u}')
fi
kv listen.tool "$LT"
printf '%s\n' "$SOCKS" | awk -v t="$TPORT" -v h="$HPORT" 'NF>=2 && ($2==t || $2==h)' | head -n 5 | while IFS= read -r L; do kv listen "$L" 60; done
kv ports "$(printf '%s\n' "$SOCKS" | awk 'NF>=2{print $2}' | sort -n -u | head -n 20 | tr '\n' ',' | sed 's/,$//')" 100
HOST=$IP
if [ -z "$HOST" ]; then HOST=127.0.0.1; fi
URL="$HSCHEME://$HOST:$HPORT$HPATH"
C=
RC=
if has curl; then
  kv probe.tool curl
  if [ -n "$IP" ]; then C=$(curl -s -k -o /dev/null -m 5 -H "Host: $IP" -w '%{http_code}' "$URL" 2>/dev/null); RC=$?
  else C=$(curl -s -k -o /dev/null -m 5 -w '%{http_code}' "$URL" 2>/dev/null); RC=$?; fi
elif has wget; then
  kv probe.tool wget
  C=$(wget -S -O /dev/null -T 5 -t 1 --max-redirect=0 --no-check-certificate --header "Host: $HOST" "$URL" 2>&1 | awk '/^ *HTTP\//{c=$2} END{print c}')
elif has bash && [ "$HSCHEME" = http ]; then
  kv probe.tool bash
  # shellcheck disable=SC2016
  C=$(tmo bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1; printf "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$3" "$1" >&3; head -n 1 <&3' _ "$HOST" "$HPORT" "$HPATH" 2>/dev/null | awk '{print $2}')
else
  kv probe.tool none
fi
kv probe.url "$URL" 120
kv probe.code "$C" 3
kv probe.exit "$RC" 3
if has df; then kv disk.use "$(df -P / 2>/dev/null | awk 'NR==2{sub(/%/,"",$5); print $5}')" 3; fi
echo end=1`

/** The script as the `commands` lines of AWS-RunShellScript. */
export function diagnosticScript(options: DiagnosticScriptOptions): string[] {
  const port = (p: number, what: string) => {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`${what} must be a port number, got ${p}`)
    return String(p)
  }
  const protocol = options.healthCheckProtocol.toUpperCase()
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') throw new Error(`health-check protocol must be HTTP or HTTPS, got ${options.healthCheckProtocol}`)
  const path = options.healthCheckPath.startsWith('/') ? options.healthCheckPath : `/${options.healthCheckPath}`
  const values: Record<string, string> = {
    TPORT: port(options.targetPort, 'targetPort'),
    HPORT: port(options.healthCheckPort, 'healthCheckPort'),
    HPATH: shQuote(path),
    HSCHEME: protocol.toLowerCase(),
    ROOT: shQuote(options.rootDir ?? ''),
    VERSION: DIAGNOSTIC_SCRIPT_VERSION,
  }
  // One pass over the placeholders, so that a value containing "@@...@@" is never substituted again.
  const text = SCRIPT.replace(/@@([A-Z]+)@@/g, (whole, name: string) => values[name] ?? whole)
  return text.split('\n')
}
