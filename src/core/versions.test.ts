import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intervalInRanges, normalizeVersion, parseRange, versionInRanges } from './versions.js';

test('normalizeVersion accepts the shapes runtimes print', () => {
  assert.equal(normalizeVersion('1.14'), '1.14.0');
  assert.equal(normalizeVersion('v1.2.0-rc.1'), '1.2.0-rc.1');
  assert.equal(normalizeVersion('1.1.12+dfsg'), '1.1.12');
  assert.equal(normalizeVersion('5.10.262'), '5.10.262');
  assert.equal(normalizeVersion('not a version'), null);
});

test('packaged versions: the packaging revision is not a pre-release', () => {
  assert.equal(normalizeVersion('1.1.12-0ubuntu2~22.04.1'), '1.1.12');
  assert.equal(normalizeVersion('1.1.5+ds1-1+deb12u1'), '1.1.5');
  assert.equal(normalizeVersion('1:1.1.5+ds1-1'), '1.1.5');
  assert.equal(normalizeVersion('1.1.12-1.fc39'), '1.1.12');
  assert.equal(normalizeVersion('1.0.0~rc93+ds1-5+deb11u3'), '1.0.0-rc.93');
  assert.equal(versionInRanges(normalizeVersion('1.1.12-0ubuntu2')!, ['<1.1.12']), false);
});

test('rc numbers compare as numbers, in versions and in ranges', () => {
  assert.equal(normalizeVersion('1.0.0-rc92'), '1.0.0-rc.92');
  assert.equal(versionInRanges(normalizeVersion('1.0.0-rc10')!, ['<1.0.0-rc7']), false);
  assert.equal(versionInRanges(normalizeVersion('1.0.0-rc6')!, ['<1.0.0-rc7']), true);
  assert.equal(versionInRanges(normalizeVersion('1.0.0-rc95')!, ['>=1.0.0-rc93 <1.1.12']), true);
  assert.equal(versionInRanges('1.2.0-rc.1', ['>=1.2.0-rc.1']), true);
});

test('versions compare as number tuples, not strings', () => {
  assert.equal(versionInRanges('5.10.262', ['>=5.10.99']), true);
  assert.equal(versionInRanges('5.9.0', ['>=5.10.0']), false);
  assert.equal(versionInRanges('7.0.1', ['>=6.9.0']), true);
});

test('several disjoint ranges: any of them', () => {
  const ranges = ['>=6.6.64 <6.6.70', '>=6.12.0 <6.12.5'];
  assert.equal(versionInRanges('6.6.69', ranges), true);
  assert.equal(versionInRanges('6.6.70', ranges), false);
  assert.equal(versionInRanges('6.12.3', ranges), true);
  assert.equal(versionInRanges('6.10.1', ranges), false);
});

test('prerelease versions fall inside ranges', () => {
  assert.equal(versionInRanges('1.2.0-rc.1', ['>=1.2.0-rc.1']), true);
  assert.equal(versionInRanges('1.2.0-rc.1', ['<1.2.0']), true);
});

test('intervalInRanges is three-state', () => {
  assert.equal(intervalInRanges('5.10.4', '5.10.5', ['<5.11.0']), true);
  assert.equal(intervalInRanges('5.15.98', '5.15.99', ['>=6.0.0']), false);
  assert.equal(intervalInRanges('6.6.60', '6.6.66', ['>=6.6.64 <6.6.70']), null);
  assert.equal(intervalInRanges('6.6.65', '6.6.69', ['>=6.6.64 <6.6.70']), true);
});

test('parseRange rejects what is not a range', () => {
  assert.ok(parseRange('>=1.14.0 <1.14.1'));
  assert.equal(parseRange('>=one'), null);
});

test('a version component too long for a safe integer is no version, not a later part of the text', () => {
  assert.equal(normalizeVersion('99999999999999999999.1.1'), null);
  assert.equal(normalizeVersion('5.99999999999999999999.0'), null);
  assert.equal(normalizeVersion('1.1.12'), '1.1.12');
});
