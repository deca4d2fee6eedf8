// Validates a command's JSON output against its committed JSON Schema in schema/ (ajv), the
// contract users' tools read. Used by the schema tests and by the property tests of diagnose.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { outputSchemaPath, type OutputSchemaName } from '../scripts/generate-schema.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validators = new Map<OutputSchemaName, ValidateFunction>();

export function assertMatchesSchema(name: OutputSchemaName, value: unknown): void {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(outputSchemaPath(name), 'utf8')));
    validators.set(name, validate);
  }
  if (!validate(value))
    assert.fail(
      `output does not match schema/${name}.schema.json: ${ajv.errorsText(validate.errors)}`,
    );
}
