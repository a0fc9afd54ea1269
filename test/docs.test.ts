import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {GENERATED} from '../scripts/docs.js'
import {EXAMPLES, exampleJson} from '../scripts/make-examples.js'
import {validateSnapshot} from '../src/snapshot/io.js'

describe('generated files are current', () => {
  for (const [file, make] of Object.entries(GENERATED)) {
    it(`${file} (run: npm run docs)`, () => {
      expect(readFileSync(file, 'utf8')).toBe(make())
    })
  }

  for (const ex of EXAMPLES) {
    it(`${ex.file} (run: npx tsx scripts/make-examples.ts)`, async () => {
      expect(readFileSync(ex.file, 'utf8')).toBe(await exampleJson(ex))
      expect(() => validateSnapshot(JSON.parse(readFileSync(ex.file, 'utf8')), ex.file)).not.toThrow()
    })
  }
})
