import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { FindingSettings, reshape } from '../../src/findings';

interface Finding {
  code?: string | { value: string };
  severity: number;
}

const none: FindingSettings = { ignore: [], severity: {}, sizeDiagnostics: true };
const copy = (finding: Finding, severity: number): Finding => ({ ...finding, severity });
const findings: Finding[] = [
  { code: 'DKL001', severity: 0 },
  { code: { value: 'DKL101' }, severity: 1 },
  { code: 'DKL201', severity: 1 },
  { severity: 2 },
];

test('no settings change nothing', () => {
  assert.deepEqual(reshape(findings, none, copy), findings);
});

test('ignored codes are dropped, whatever their case', () => {
  const shown = reshape(findings, { ...none, ignore: ['dkl101'] }, copy);
  assert.deepEqual(shown.map((f) => f.code), ['DKL001', 'DKL201', undefined]);
});

test('severities are overridden per code without touching the input', () => {
  const shown = reshape(findings, { ...none, severity: { DKL201: 'hint' } }, copy);
  assert.equal(shown[2].severity, 3);
  assert.equal(findings[2].severity, 1);
});

test('turning size diagnostics off keeps builder syntax errors', () => {
  const shown = reshape(findings, { ...none, sizeDiagnostics: false }, copy);
  assert.deepEqual(shown.map((f) => f.code), ['DKL001', undefined]);
});
