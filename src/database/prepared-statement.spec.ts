import { prepared } from './prepared-statement.js';

describe('prepared statements', () => {
  it('one name stands for one text: declaring it again with the same text is fine, with another text a startup error', () => {
    const first = prepared('spec_same_name', 'SELECT 1');
    expect(prepared('spec_same_name', 'SELECT 1')).toEqual(first);
    expect(() => prepared('spec_same_name', 'SELECT 2')).toThrow(/declared twice/);
  });
});
