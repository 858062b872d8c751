import { chooseIndexedPart, substringTrigrams, trigramText } from './indexed-part';

const sorted = (values: Iterable<string>) => [...values].sort();

describe('trigrams as pg_trgm makes them', () => {
  it('holds every trigram pg_trgm indexes for a line, and nothing else a search could ask for', () => {
    const text = trigramText('lz-12 ab');
    // show_trgm('lz-12 ab') in PostgreSQL
    for (const trigram of ['  l', ' lz', 'lz ', '  1', ' 12', '12 ', '  a', ' ab', 'ab ']) {
      expect(text).toContain(trigram);
    }
    // across the '-' and the blank: not trigrams of the line
    for (const trigram of ['z-1', 'lz1', 'z 1', ' 2 ', '2 a', ' a ']) expect(text).not.toContain(trigram);
  });

  it("pads a searched word only where a literal character bounds it, not at the pattern's wildcards", () => {
    expect(sorted(substringTrigrams('zone lz-1234'))).toEqual(
      sorted(['zon', 'one', 'ne ', '  l', ' lz', 'lz ', '  1', ' 12', '123', '234']),
    );
    expect(substringTrigrams('1234')).toEqual(['123', '234']);
  });

  it('finds no trigram in a word of one character between wildcards', () => {
    expect(substringTrigrams('a')).toEqual([]);
    expect(substringTrigrams('--')).toEqual([]);
  });

  it('counts letters beyond ASCII and beyond the BMP as word characters, one trigram character each', () => {
    expect(substringTrigrams('-ü𝒳x')).toEqual(['  ü', ' ü𝒳', 'ü𝒳x']);
    expect(trigramText('(ü𝒳)')).toBe('  ü𝒳 ');
  });
});

describe('chooseIndexedPart', () => {
  const sample = [
    'created landing zone lz-17 in ws-0001',
    'created landing zone lz-9 in ws-0002',
    'created landing zone lz-4711 in ws-0003',
    'changed quota of project p-5678 from 10 to 20',
  ].map(trigramText);

  it('asks the index for the word fewest sampled lines could match, with the characters beside it', () => {
    expect(chooseIndexedPart('created unicorns', sample).text).toBe(' unicorns');
  });

  it('prefers, of words equally rare, the one with fewer trigrams to look up', () => {
    // neither word is in the sample: 'unicorn ' has six trigrams, ' rainbows' eight
    expect(chooseIndexedPart('unicorn rainbows', sample).text).toBe('unicorn ');
  });

  it('widens a short word by a neighbour, even one the sample saw nowhere', () => {
    // '-1234' has four trigrams; ' lz-' adds three that few of the lines holding 1234 would have
    expect(chooseIndexedPart('landing zone lz-1234', sample).text).toBe(' lz-1234');
  });

  it('widens word by word while that makes the part rarer, up to the whole text', () => {
    const common = ['landing zone', 'zone lz-1', 'landing lz-2'].map(trigramText);
    expect(chooseIndexedPart('zone landing', common).text).toBe('zone landing');
    // '-9 ' is in one line; ' in' and then ' lz-' widen it (short) until it has six trigrams
    expect(chooseIndexedPart('zone lz-9 in', sample).text).toBe(' lz-9 in');
  });

  it('keeps the whole text when no word has a trigram, which every line may then hold', () => {
    expect(chooseIndexedPart('-', sample)).toEqual({ text: '-', share: 1 });
    expect(chooseIndexedPart('a', sample)).toEqual({ text: 'a', share: 1 });
    // two letters between wildcards: pg_trgm pads neither side, so no trigram either
    expect(chooseIndexedPart('zz', sample)).toEqual({ text: 'zz', share: 1 });
  });

  it('tells the share of sampled lines holding every trigram of the part', () => {
    expect(chooseIndexedPart('created unicorns', sample).share).toBe(0);
    // ' lz-9 in' has the trigrams of a line in four
    expect(chooseIndexedPart('zone lz-9 in', sample).share).toBe(0.25);
    // 'lz-' has one trigram, 'lz ', which three of the four lines hold
    expect(chooseIndexedPart('lz-', sample)).toEqual({ text: 'lz-', share: 0.75 });
  });
});

describe('chooseIndexedPart under its budget', () => {
  // the worst a client can ask: a phrase of 250 short words, against long lines holding all of them
  const phrase = Array.from({ length: 250 }, (_, i) => `w${i % 10}`).join(' ');
  const sample = Array.from({ length: 1000 }, () => trigramText(`${phrase} ${phrase}`));

  it('stops measuring once the budget is spent, and still names a part of the text', () => {
    const budget = { left: 5_000_000 };
    const part = chooseIndexedPart(phrase, sample, budget);
    expect(budget.left).toBe(0);
    expect(phrase).toContain(part.text.trim());
  });

  it('takes the whole text, as if every line held it, when nothing could be measured', () => {
    expect(chooseIndexedPart(phrase, sample, { left: 10 })).toEqual({ text: phrase, share: 1 });
  });

  it('shares one budget between the texts of a request', () => {
    const budget = { left: 100_000_000 };
    chooseIndexedPart('w1 w2', sample, budget);
    const spentOnFirst = 100_000_000 - budget.left;
    expect(spentOnFirst).toBeGreaterThan(0);
    chooseIndexedPart('w3 w4', sample, budget);
    expect(budget.left).toBeLessThan(100_000_000 - spentOnFirst);
  });
});
