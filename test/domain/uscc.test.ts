import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { USCC_ALPHABET, analyzeUscc, computeCheckChar, computeOrgCheckChar } from '../../src/domain/uscc.js';
import { isJiangmenDivision, lookupDivision } from '../../src/domain/divisions.js';

// Derived by hand from the standard, independently of the code under test:
//
// (a) 91 440703 12345678-8 M
//   org body 12345678, weights 3,7,9,10,5,8,4,2:
//     3+14+27+40+25+48+28+16 = 201; 201 mod 11 = 3; 11 − 3 = 8 → '8'
//   first 17 = 9 1 4 4 0 7 0 3 1 2 3 4 5 6 7 8 8,
//   weights 3^(i−1) mod 31 = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
//     9+3+36+108+0+182+0+51+20+58+75+52+40+144+70+240+224 = 1312
//   1312 mod 31 = 10; 31 − 10 = 21 → alphabet[21] = 'M'
//
// (b) 92 440781 L1234567-4 C  (L is 21 in GB 11714 but 20 in the USCC alphabet)
//   org: 21·3+1·7+2·9+3·10+4·5+5·8+6·4+7·2 = 216; 216 mod 11 = 7; 11 − 7 = 4 → '4'
//   USCC: 9+6+36+108+0+182+128+17+400+29+50+39+32+120+60+210+112 = 1538
//   1538 mod 31 = 19; 31 − 19 = 12 → alphabet[12] = 'C'
const HAND_A = '91440703123456788M';
const HAND_B = '92440781L12345674C';

// Build a valid code from a prefix (chars 1-8) and an org body (chars 9-16).
const build = (prefix8: string, body8: string): string => {
  const first17 = prefix8 + body8 + computeOrgCheckChar(body8);
  return first17 + computeCheckChar(first17);
};

describe('check characters', () => {
  it('match the hand-derived codes', () => {
    expect(computeOrgCheckChar('12345678')).toBe('8');
    expect(computeCheckChar(HAND_A.slice(0, 17))).toBe('M');
    expect(computeOrgCheckChar('L1234567')).toBe('4');
    expect(computeCheckChar(HAND_B.slice(0, 17))).toBe('C');
    expect(analyzeUscc(HAND_A).valid).toBe(true);
    expect(analyzeUscc(HAND_B).valid).toBe(true);
  });

  it('maps org remainder 10 to X and 11 to 0', () => {
    // 00000001: Σ = 2 → 11 − 2 = 9; 00000005: Σ = 10 → 11 − 10 = 1
    expect(computeOrgCheckChar('00000001')).toBe('9');
    expect(computeOrgCheckChar('00000005')).toBe('1');
    // 00000000: Σ = 0 → 11 → '0'
    expect(computeOrgCheckChar('00000000')).toBe('0');
    // 00000006: Σ = 12, 12 mod 11 = 1 → 10 → 'X'
    expect(computeOrgCheckChar('00000006')).toBe('X');
  });

  it('accepts real published codes', () => {
    // Huawei Technologies Co., Ltd. (Shenzhen) and Tencent (Shenzhen), from their business licences.
    for (const code of ['914403001922038216', '91440300708461136T']) {
      const a = analyzeUscc(code);
      expect(a.errors).toEqual([]);
      expect(a.valid).toBe(true);
    }
  });

  it('every code built from a random body is valid, and any single change of the 18th char is caught', () => {
    const alpha = fc.constantFrom(...USCC_ALPHABET.split(''));
    const digit = fc.constantFrom(...'0123456789'.split(''));
    fc.assert(
      fc.property(
        fc.constantFrom('91', '92', '93', '11', '12', '51', '52', '53', 'Y1', 'N2'),
        fc.array(digit, { minLength: 6, maxLength: 6 }),
        fc.array(alpha, { minLength: 8, maxLength: 8 }),
        alpha,
        (head, div, body, other) => {
          const code = build(head + div.join(''), body.join(''));
          const a = analyzeUscc(code);
          expect(a.valid).toBe(true);
          expect(a.structural).toBe(true);
          expect(a.expectedCheck).toBe(code[17]);
          if (other !== code[17]) {
            const wrong = analyzeUscc(code.slice(0, 17) + other);
            expect(wrong.valid).toBe(false);
            expect(wrong.errors.map((e) => e.kind)).toEqual(['check']);
            expect(wrong.expectedCheck).toBe(code[17]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a single-character substitution in the first 17 changes the check character', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...USCC_ALPHABET.split('')), { minLength: 17, maxLength: 17 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 30 }),
        (chars, pos, shift) => {
          const s = chars.join('');
          const changed = [...chars];
          changed[pos] = USCC_ALPHABET[(USCC_ALPHABET.indexOf(chars[pos]) + shift) % 31];
          expect(computeCheckChar(changed.join(''))).not.toBe(computeCheckChar(s));
        },
      ),
    );
  });

  it('refuses bad input to the helpers', () => {
    expect(() => computeCheckChar('123')).toThrow(RangeError);
    expect(() => computeCheckChar('9144070312345678I')).toThrow(RangeError);
    expect(() => computeOrgCheckChar('1234567')).toThrow(RangeError);
  });
});

describe('analyzeUscc errors', () => {
  it('normalises case, spaces and full-width characters', () => {
    const a = analyzeUscc('  ９２440781l12345674c ');
    expect(a.code).toBe(HAND_B);
    expect(a.valid).toBe(true);
  });

  it.each([
    ['9144070312345678', 16],
    ['91440703123456788MM', 19],
    ['', 0],
  ])('wrong length: %j', (code, n) => {
    const a = analyzeUscc(code);
    expect(a.valid).toBe(false);
    expect(a.structural).toBe(false);
    expect(a.expectedCheck).toBeNull();
    expect(a.divisionCode).toBeNull();
    const e = a.errors.find((x) => x.kind === 'length');
    expect(e?.text.en).toContain(`has ${n} characters; 18 are needed`);
    expect(e?.text.zh).toContain(`有 ${n} 位，应为 18 位`);
  });

  it.each([
    ['I', '1'],
    ['O', '0'],
    ['S', '5'],
    ['V', 'U'],
    ['Z', '2'],
  ])('forbidden letter %s', (letter, hint) => {
    const code = `91440703${letter}${HAND_A.slice(9)}`;
    const a = analyzeUscc(code);
    expect(a.structural).toBe(false);
    expect(a.valid).toBe(false);
    expect(a.errors.map((e) => e.kind)).toEqual(['alphabet']);
    const t = a.errors[0].text;
    expect(t.en).toContain(`"${letter}" at position 9`);
    expect(t.en).toContain('never I, O, S, V or Z');
    expect(t.en).toContain(`${hint} at position 9`);
    expect(t.zh).toContain(`第9位「${letter}」`);
    expect(t.zh).toContain('从不使用 I、O、S、V、Z');
  });

  it('names every offending character and reports length too', () => {
    const a = analyzeUscc('91-4407O3');
    expect(a.errors.map((e) => e.kind)).toEqual(['length', 'alphabet']);
    const t = a.errors[1].text.en;
    expect(t).toContain('"-" at position 3');
    expect(t).toContain('"O" at position 8');
    expect(t).not.toContain('- at position'); // no hint for characters that are not look-alikes
  });

  it('wrong check character names the expected one', () => {
    const a = analyzeUscc('91440703123456788N');
    expect(a.structural).toBe(true);
    expect(a.valid).toBe(false);
    expect(a.expectedCheck).toBe('M');
    expect(a.errors.map((e) => e.kind)).toEqual(['check']);
    expect(a.errors[0].text.en).toContain('check character should be M, not N');
    expect(a.errors[0].text.zh).toContain('校验位应为「M」，而不是「N」');
    // still analysed: an officer decides
    expect(a.district).toEqual({ zh: '蓬江区', en: 'Pengjiang District' });
  });

  it('wrong organisation-code check is reported separately', () => {
    // org check 9 instead of 8, with the 18th char recomputed so only the org check fails
    const first17 = '9144070312345678' + '9';
    const code = first17 + computeCheckChar(first17);
    const a = analyzeUscc(code);
    expect(a.structural).toBe(true);
    expect(a.valid).toBe(false);
    expect(a.errors.map((e) => e.kind)).toEqual(['org-check']);
    expect(a.errors[0].text.en).toContain('12345678-9');
    expect(a.errors[0].text.en).toContain('should end in 8, not 9');
    expect(a.errors[0].text.zh).toContain('应为「8」');
  });

  it('both checks can fail together', () => {
    const a = analyzeUscc('91440703123456789M');
    expect(a.errors.map((e) => e.kind)).toEqual(['check', 'org-check']);
  });
});

describe('analyzeUscc parts', () => {
  it.each([
    ['91', '企业', 'company', '工商（市场监管）'],
    ['92', '个体工商户', 'individual business', '工商（市场监管）'],
    ['93', '农民专业合作社', "farmers' co-operative", '工商（市场监管）'],
    ['11', '机关', 'government organ', '机构编制'],
    ['12', '事业单位', 'public institution', '机构编制'],
    ['51', '社会团体', 'social organisation', '民政'],
    ['52', '民办非企业单位', 'private non-enterprise unit', '民政'],
    ['53', '基金会', 'foundation', '民政'],
    ['N2', '村级集体经济组织', 'village-level collective economic organisation', '农业'],
    ['Y1', '其他', 'other', '其他'],
  ])('entity type %s', (head, zh, en, authority) => {
    const a = analyzeUscc(build(`${head}440703`, '12345678'));
    expect(a.valid).toBe(true);
    expect(a.entityType).toEqual({ code: head, text: { zh, en } });
    expect(a.registrationAuthority?.zh).toBe(authority);
  });

  it('unknown type keeps the authority, unknown authority is null', () => {
    const a = analyzeUscc(build('94440703', '12345678'));
    expect(a.valid).toBe(true);
    expect(a.entityType).toBeNull();
    expect(a.registrationAuthority?.en).toContain('market regulation');
    const b = analyzeUscc(build('B1440703', '12345678'));
    expect(b.registrationAuthority).toBeNull();
    expect(b.entityType).toBeNull();
  });

  it.each([
    ['440703', '蓬江区', 'Pengjiang District'],
    ['440782', '新会市', 'Xinhui City'],
    ['440705', '新会区', 'Xinhui District'],
    ['440700', '江门市', 'Jiangmen City'],
    ['440106', '广东省广州市', 'Guangzhou City, Guangdong Province'],
    ['441900', '广东省东莞市', 'Dongguan City, Guangdong Province'],
    ['445300', '广东省云浮市', 'Yunfu City, Guangdong Province'],
    ['110108', '北京市', 'Beijing Municipality'],
    ['650100', '新疆维吾尔自治区', 'Xinjiang Uygur Autonomous Region'],
  ])('division %s → %s', (div, zh, en) => {
    const a = analyzeUscc(build(`91${div}`, '12345678'));
    expect(a.divisionCode).toBe(div);
    expect(a.district).toEqual({ zh, en });
  });

  it('unknown division gives the code but no name', () => {
    const a = analyzeUscc(build('91990000', '12345678'));
    expect(a.divisionCode).toBe('990000');
    expect(a.district).toBeNull();
  });
});

describe('lookupDivision', () => {
  it('knows every Jiangmen code exactly', () => {
    expect(lookupDivision('440701')?.zh).toBe('江门市市辖区');
    expect(lookupDivision('440704')?.en).toBe('Jianghai District');
    expect(lookupDivision('440781')?.zh).toBe('台山市');
    expect(lookupDivision('440781')?.en).toBe('Taishan City');
    expect(lookupDivision('440783')?.zh).toBe('开平市');
    expect(lookupDivision('440784')?.zh).toBe('鹤山市');
    expect(lookupDivision('440785')?.en).toBe('Enping City');
  });

  it('falls back to city then province', () => {
    expect(lookupDivision('440799')?.zh).toBe('广东省江门市');
    expect(lookupDivision('441000')?.zh).toBe('广东省');
    expect(lookupDivision('820000')?.zh).toBe('澳门特别行政区');
    expect(lookupDivision('100000')?.en).toContain('national');
    expect(lookupDivision('000000')).toBeNull();
    expect(lookupDivision('44070')).toBeNull();
  });

  it('isJiangmenDivision covers the city and retired codes', () => {
    expect(isJiangmenDivision('440782')).toBe(true);
    expect(isJiangmenDivision('440700')).toBe(true);
    expect(isJiangmenDivision('440606')).toBe(false);
  });
});

describe('the expected check character when the 18th is not a valid character', () => {
  it('names it for a Z (never used) where the check character should be', () => {
    const a = analyzeUscc('91350100M000100Y4Z');
    expect(a.valid).toBe(false);
    expect(a.expectedCheck).toBe('3');
    expect(a.errors.map((e) => e.text.en).join(' ')).toContain('should be 3');
    expect(a.errors.map((e) => e.text.zh).join(' ')).toContain('应为「3」');
  });

  it('is not guessed when an earlier character is wrong too', () => {
    expect(analyzeUscc('91350100M00O100Y4Z').expectedCheck).toBeNull();
  });
});

describe('the expected check character, whatever the last one is (issue 17)', () => {
  it('names it for a wrong, excluded, foreign or missing 18th character', () => {
    for (const last of ['Z', 'I', 'O', '-', '4', 'A']) {
      const a = analyzeUscc(`91350100M000100Y4${last}`);
      expect(a.valid).toBe(false);
      expect(a.errors.map((e) => e.text.en).join(' ')).toMatch(/check character (\(position 18\) )?should be 3/);
    }
    const short = analyzeUscc('91350100M000100Y4');
    expect(short.errors[0].text.en).toBe('unified social credit code "91350100M000100Y4" has 17 characters; 18 are needed; from these 17 characters, the check character (position 18) would be 3');
    expect(analyzeUscc('91350100M000100Y43').valid).toBe(true);
  });
});
