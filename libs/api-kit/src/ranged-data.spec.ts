import { DomainError } from '@app/errors';
import { parseRange } from './ranged-data';

describe('parseRange (RANGED-DATA request header)', () => {
  it('defaults to start=0,results=25', () => {
    expect(parseRange(undefined)).toEqual({ start: 0, results: 25 });
    expect(parseRange(' ')).toEqual({ start: 0, results: 25 });
  });

  it('reads the provider format, tolerating spaces and case', () => {
    expect(parseRange('start=50,results=10')).toEqual({ start: 50, results: 10 });
    expect(parseRange(' START=5 , Results=1000 ')).toEqual({ start: 5, results: 1000 });
  });

  it.each([
    'start=0',
    'results=10',
    'start=a,results=1',
    'start=0,results=0',
    'start=0,results=1001',
    'start=0;results=5',
  ])('rejects %s', (header) => {
    expect(() => parseRange(header)).toThrow(DomainError);
  });
});
