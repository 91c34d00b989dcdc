/**
 * Go's path/filepath `Match` on Linux, which the kubelet uses to compare each dot-separated part of a docker
 * config key with the image's host (`URLsMatch`): `*` is any run of non-`/` characters, `?` one non-`/`
 * character, `[...]` a character class (`^` negates, `a-z` ranges, `\` escapes), `\x` a literal `x`.
 * A malformed pattern matches nothing, as `URLsMatch` treats Go's ErrBadPattern as "no match".
 */

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'literal'; char: string } | { kind: 'class'; negated: boolean; ranges: Array<[number, number]> };

function tokenize(pattern: string): Token[] | undefined {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  const escaped = (): string | undefined => {
    // getEsc: a class element may not be empty, '-' or ']'; '\' escapes; something must follow it.
    let c = chars[i];
    if (c === undefined || c === '-' || c === ']') return undefined;
    if (c === '\\') {
      i++;
      c = chars[i];
      if (c === undefined) return undefined;
    }
    i++;
    return i < chars.length ? c : undefined;
  };
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === '*') {
      tokens.push({ kind: 'star' });
      i++;
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) return undefined;
      tokens.push({ kind: 'literal', char: next });
      i += 2;
    } else if (c === '[') {
      i++;
      const negated = chars[i] === '^';
      if (negated) i++;
      const ranges: Array<[number, number]> = [];
      for (;;) {
        if (chars[i] === ']' && ranges.length > 0) {
          i++;
          break;
        }
        const lo = escaped();
        if (lo === undefined) return undefined;
        let hi = lo;
        if (chars[i] === '-') {
          i++;
          const h = escaped();
          if (h === undefined) return undefined;
          hi = h;
        }
        ranges.push([lo.codePointAt(0) as number, hi.codePointAt(0) as number]);
      }
      tokens.push({ kind: 'class', negated, ranges });
    } else {
      tokens.push({ kind: 'literal', char: c });
      i++;
    }
  }
  return tokens;
}

const codePointClass = (cp: number): string => `\\u{${cp.toString(16)}}`;

function toRegExp(tokens: Token[]): RegExp {
  const source = tokens
    .map((t) => {
      switch (t.kind) {
        case 'star':
          return '[^/]*';
        case 'any':
          return '[^/]';
        case 'literal':
          return codePointClass(t.char.codePointAt(0) as number);
        case 'class': {
          // A range with lo > hi matches nothing in Go; JavaScript would refuse it, so it is left out.
          const body = t.ranges
            .filter(([lo, hi]) => lo <= hi)
            .map(([lo, hi]) => (lo === hi ? codePointClass(lo) : `${codePointClass(lo)}-${codePointClass(hi)}`))
            .join('');
          return t.negated ? `[^${body}]` : `[${body}]`;
        }
      }
    })
    .join('');
  return new RegExp(`^${source}$`, 'su');
}

export function goFilepathMatch(pattern: string, name: string): boolean {
  const tokens = tokenize(pattern);
  return tokens !== undefined && toRegExp(tokens).test(name);
}
