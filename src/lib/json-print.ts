/**
 * `--json` output printed in pieces rather than as one string: the same text as `JSON.stringify(value, undefined,
 * 2)`, never all of it in memory at once. The report of 3,000 instances is 10 MB of JSON; as one string it was held
 * twice over at the end of the run (the text, then the text with its newline), and the heap grew by ~35 MB to print
 * it, which was the peak of the whole run (docs/architecture.md, Performance).
 *
 * Arrays and plain objects down to STREAMED_DEPTH are written member by member, so that no piece is a large object
 * (V8 frees those only in a full collection); anything deeper is one JSON.stringify, re-indented to its depth (JSON
 * text holds no raw newline but those of its indentation).
 */

/**
 * Roughly how many characters are gathered before they are printed: few writes, yet each piece well under V8's
 * large-object size (128 KB) even as a two-byte string (the report's messages hold arrows and ellipses). At 64 K
 * the printing still grew the heap by ~12 MB, at 16 K by ~5 MB.
 */
export const PRINT_CHUNK = 16 * 1024

/**
 * How deep containers are written member by member. A finding of the report is at depth 2 and its lists at 3: a
 * finding about every instance holds lists of thousands of items, and stops being one large string only from 4 on.
 * Deeper costs time (each level is JavaScript, not JSON.stringify) and saves no memory.
 */
const STREAMED_DEPTH = 4

const INDENT = '  '

/**
 * Prints `value` as indented JSON through `print`, a line or several lines at a time (each call is to end with a
 * newline, as console.log does). Returns false, having printed nothing, when the value has no JSON text (undefined,
 * a function); throws as JSON.stringify does on a cycle or a BigInt, before printing anything when the problem is
 * in the first PRINT_CHUNK of text.
 */
export function printJson(value: unknown, print: (lines: string) => void, chunk = PRINT_CHUNK): boolean {
  const root = toJsonValue(value, '')
  if (!hasText(root)) return false
  // Pieces are joined once per chunk: appending each to a string would build a rope of thousands of nodes.
  let pending: string[] = []
  let size = 0
  const emit = (piece: string) => {
    pending.push(piece)
    size += piece.length
    if (size < chunk) return
    const text = pending.join('')
    // Print whole lines: the newline that ends them is print's own.
    const cut = text.lastIndexOf('\n')
    if (cut <= 0) {
      pending = [text]
      return
    }
    print(text.slice(0, cut))
    const rest = text.slice(cut + 1)
    pending = [rest]
    size = rest.length
  }
  const ancestors = new Set<object>()

  /** Writes `v`, already through toJSON and known to have a JSON text, at `depth`. */
  const write = (v: unknown, depth: number): void => {
    if (depth >= STREAMED_DEPTH || v === null || typeof v !== 'object' || !isPlainContainer(v)) {
      const text = JSON.stringify(v, undefined, INDENT.length) ?? 'null'
      emit(depth > 0 && text.includes('\n') ? text.replaceAll('\n', `\n${INDENT.repeat(depth)}`) : text)
      return
    }
    if (ancestors.has(v)) throw new TypeError('Converting circular structure to JSON')
    ancestors.add(v)
    const inner = `\n${INDENT.repeat(depth + 1)}`
    let members = 0
    if (Array.isArray(v)) {
      emit('[')
      for (let i = 0; i < v.length; i++) {
        emit(members++ === 0 ? inner : `,${inner}`)
        const item = toJsonValue(v[i], String(i))
        // An array keeps the place of what JSON cannot hold.
        if (hasText(item)) write(item, depth + 1)
        else emit('null')
      }
      emit(members === 0 ? ']' : `\n${INDENT.repeat(depth)}]`)
    } else {
      emit('{')
      for (const [k, member] of Object.entries(v)) {
        const m = toJsonValue(member, k)
        // An object leaves such members out.
        if (!hasText(m)) continue
        emit(`${members++ === 0 ? inner : `,${inner}`}${JSON.stringify(k)}: `)
        write(m, depth + 1)
      }
      emit(members === 0 ? '}' : `\n${INDENT.repeat(depth)}}`)
    }
    ancestors.delete(v)
  }

  write(root, 0)
  print(pending.join(''))
  return true
}

/** What JSON.stringify serialises in place of a value: its toJSON(key), if it has one. */
function toJsonValue(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as {toJSON?: unknown}).toJSON === 'function') return (value as {toJSON: (k: string) => unknown}).toJSON(key)
  return value
}

/** Whether JSON writes anything for a value (after toJSON): not for undefined, functions and symbols. */
function hasText(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol'
}

/** Arrays and plain objects; anything else (a boxed primitive, a class instance) is left to JSON.stringify. */
function isPlainContainer(v: object): boolean {
  if (Array.isArray(v)) return true
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}
