import {readFileSync} from 'node:fs'
import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'
import {analyze} from '../../src/analyze/engine.js'
import {reportSchema} from '../../src/analyze/report-schema.js'
import {EXAMPLES} from '../../scripts/make-examples.js'
import type {Snapshot} from '../../src/snapshot/types.js'

const validate = new Ajv({strict: false}).compile(reportSchema)

describe('the --json report schema', () => {
  for (const ex of EXAMPLES) {
    it(`describes the report of ${ex.file}`, () => {
      const report = JSON.parse(JSON.stringify(analyze(JSON.parse(readFileSync(ex.file, 'utf8')) as Snapshot)))
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
    })
  }

  it('rejects a report whose finding lacks its remediation', () => {
    const report = JSON.parse(JSON.stringify(analyze(JSON.parse(readFileSync('examples/nginx-missing.json', 'utf8')) as Snapshot)))
    delete report.rootCauses[0].cause.remediation
    expect(validate(report)).toBe(false)
    expect(validate.errors?.[0].instancePath).toBe('/rootCauses/0/cause')
  })
})
