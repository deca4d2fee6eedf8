// Errno spellings: what a captured text stands for, and what a {errno:...} pattern accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errnoMessages, errnoPattern, errnoSpellings, lookupErrno } from './errno.js';

test('a captured errno is read in every spelling: name, strerror in any case, number in its wrapping', () => {
  for (const [text, name] of [
    ['EPERM', 'EPERM'],
    ['-ENOSPC', 'ENOSPC'],
    ['no space left on device', 'ENOSPC'],
    ['Operation not permitted', 'EPERM'],
    ['err=-7', 'E2BIG'],
    ['[Errno 1]', 'EPERM'],
    ['Os { code: 1', 'EPERM'],
    ['(-22)', 'EINVAL'],
    ['Unknown error 524', 'ENOTSUPP'],
  ] as const)
    assert.equal(lookupErrno(text)?.name, name, text);
});

test("musl's wording of an errno (Alpine and static images) is the same errno", () => {
  for (const [text, name] of [
    ['Resource busy', 'EBUSY'],
    ['Out of memory', 'ENOMEM'],
    ['No file descriptors available', 'EMFILE'],
    ['Not supported', 'EOPNOTSUPP'],
  ] as const) {
    assert.equal(lookupErrno(text)?.name, name, text);
    const pattern = new RegExp(`^(?:${errnoPattern([name])})$`);
    assert.ok(pattern.test(text) && pattern.test(text.toLowerCase()), text);
    assert.ok(errnoSpellings(name).includes(text), `${name} is fed "${text}"`);
  }
  // Plain words in fixed messages are not taken for an errno spelled out.
  assert.ok(!errnoMessages().includes('Not supported'));
});

test('a bare number is not an errno, and one errno does not match another', () => {
  const eperm = new RegExp(errnoPattern(['EPERM']));
  assert.ok(!eperm.test('exit status 1'));
  assert.ok(!eperm.test('Permission denied'));
  assert.ok(new RegExp(errnoPattern(['EPERM', 'EACCES'])).test('Permission denied'));
});
