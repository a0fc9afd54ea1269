/**
 * `--filter`: which load balancers a scan keeps. `NAME-GLOB` matches the name (`*` any run of characters, `?` one,
 * case-insensitive, as ALB names are); `tag:KEY=VALUE` keeps those carrying the tag, `tag:KEY` those carrying the
 * key with any value. Several name globs: any may match; several tags: any may match; names and tags both given:
 * both must match ("web-* carrying team=payments").
 */
import {UserError} from '../lib/errors.js'

export interface AlbFilter {
  names: {glob: string; re: RegExp}[]
  tags: {key: string; value?: string}[]
}

export function parseFilters(values: readonly string[]): AlbFilter {
  const f: AlbFilter = {names: [], tags: []}
  for (const raw of values) {
    const v = raw.trim()
    if (v === '') throw new UserError('--filter is empty.', 'Pass a name glob such as --filter "web-*", or a tag such as --filter tag:env=prod.')
    if (v.startsWith('tag:')) {
      const body = v.slice(4)
      const eq = body.indexOf('=')
      const key = eq === -1 ? body : body.slice(0, eq)
      if (key === '') throw new UserError(`--filter ${v} names no tag key.`, 'Write a tag filter as tag:KEY=VALUE, or tag:KEY for any value.')
      f.tags.push(eq === -1 ? {key} : {key, value: body.slice(eq + 1)})
      continue
    }
    if (!/^[A-Za-z0-9*?-]+$/.test(v)) {
      throw new UserError(`--filter "${v}" is neither a load balancer name glob nor a tag filter.`, 'Names have letters, digits and hyphens (glob with * and ?); tags are written tag:KEY=VALUE.')
    }
    f.names.push({glob: v, re: new RegExp(`^${v.replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i')})
  }
  return f
}

export const needsTags = (f: AlbFilter): boolean => f.tags.length > 0

/** Does a load balancer pass? `tags` is undefined when they could not be read: a tag filter then keeps it out. */
export function passes(f: AlbFilter, name: string, tags: Record<string, string> | undefined): boolean {
  const byName = f.names.length === 0 || f.names.some((n) => n.re.test(name))
  const byTag = f.tags.length === 0 || (tags !== undefined && f.tags.some((t) => t.key in tags && (t.value === undefined || tags[t.key] === t.value)))
  return byName && byTag
}
