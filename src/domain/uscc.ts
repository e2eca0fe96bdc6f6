// Unified Social Credit Code (统一社会信用代码), GB 32100-2015, with the
// embedded GB 11714 organisation code. Check failures are reported, not fatal:
// a few genuine early codes fail them, so an officer decides (SPEC §4).
import { type Text, text } from './text.js';
import { lookupDivision } from './divisions.js';

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// Weights 3^(i-1) mod 31, i = 1..17.
const USCC_WEIGHTS = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export type UsccErrorKind = 'length' | 'alphabet' | 'check' | 'org-check';

export interface UsccAnalysis {
  code: string; // upper-cased, trimmed
  valid: boolean;
  structural: boolean; // length and alphabet OK
  errors: { kind: UsccErrorKind; text: Text }[];
  expectedCheck: string | null; // the expected 18th char when structural
  divisionCode: string | null;
  district: Text | null;
  registrationAuthority: Text | null;
  entityType: { code: string; text: Text } | null;
}

/** The 18th character for the first 17 (which must be in the USCC alphabet). */
export function computeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`computeCheckChar: need 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]);
    if (v < 0) throw new RangeError(`computeCheckChar: ${JSON.stringify(first17[i])} is not in the USCC alphabet`);
    sum += v * USCC_WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** GB 11714 check character for an 8-character organisation-code body (0-9 = 0-9, A-Z = 10-35). */
export function computeOrgCheckChar(body8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body8)) {
    throw new RangeError(`computeOrgCheckChar: need 8 characters 0-9/A-Z, got ${JSON.stringify(body8)}`);
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i], 36) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

// Registration authorities (char 1) and entity types (chars 1-2), GB 32100-2015 with its amendments.
const AUTHORITIES: Readonly<Record<string, Text>> = {
  '1': text('机构编制', 'institutional establishment (public-sector staffing) authority'),
  '2': text('外交', 'foreign affairs'),
  '3': text('司法行政', 'judicial administration'),
  '4': text('文化', 'culture'),
  '5': text('民政', 'civil affairs'),
  '6': text('旅游', 'tourism'),
  '7': text('宗教', 'religious affairs'),
  '8': text('工会', 'trade unions'),
  '9': text('工商（市场监管）', 'industry and commerce (market regulation)'),
  A: text('中央军委改革和编制办公室', 'CMC Reform and Organisation Office'),
  N: text('农业', 'agriculture'),
  Y: text('其他', 'other'),
};

const ENTITY_TYPES: Readonly<Record<string, Text>> = {
  '11': text('机关', 'government organ'),
  '12': text('事业单位', 'public institution'),
  '13': text('中央编办直接管理机构编制的群众团体', 'mass organisation staffed directly by the central establishment office'),
  '19': text('其他', 'other'),
  '21': text('外国常驻新闻机构', 'resident foreign news agency'),
  '29': text('其他', 'other'),
  '31': text('律师执业机构', 'law firm'),
  '32': text('公证处', 'notary office'),
  '33': text('基层法律服务所', 'grassroots legal service office'),
  '34': text('司法鉴定机构', 'forensic appraisal institution'),
  '35': text('仲裁委员会', 'arbitration commission'),
  '39': text('其他', 'other'),
  '41': text('外国在华文化中心', 'foreign cultural centre in China'),
  '49': text('其他', 'other'),
  '51': text('社会团体', 'social organisation'),
  '52': text('民办非企业单位', 'private non-enterprise unit'),
  '53': text('基金会', 'foundation'),
  '59': text('其他', 'other'),
  '61': text('外国旅游部门常驻代表机构', 'resident office of a foreign tourism authority'),
  '62': text('港澳台地区旅游部门常驻内地（大陆）代表机构', 'resident office of a Hong Kong, Macao or Taiwan tourism authority'),
  '69': text('其他', 'other'),
  '71': text('宗教活动场所', 'venue for religious activities'),
  '72': text('宗教院校', 'religious college'),
  '79': text('其他', 'other'),
  '81': text('基层工会', 'grassroots trade union'),
  '89': text('其他', 'other'),
  '91': text('企业', 'company'),
  '92': text('个体工商户', 'individual business'),
  '93': text('农民专业合作社', "farmers' co-operative"),
  A1: text('军队事业单位', 'military public institution'),
  A9: text('其他', 'other'),
  N1: text('组级集体经济组织', 'group-level collective economic organisation'),
  N2: text('村级集体经济组织', 'village-level collective economic organisation'),
  N3: text('乡镇级集体经济组织', 'township-level collective economic organisation'),
  N9: text('其他', 'other'),
  Y1: text('其他', 'other'),
};

// Letters people type for the excluded ones; only a hint, never auto-corrected.
const LOOKALIKE: Readonly<Record<string, string>> = { I: '1', O: '0', S: '5', V: 'U', Z: '2' };

export function analyzeUscc(raw: string): UsccAnalysis {
  const code = String(raw ?? '').normalize('NFKC').trim().toUpperCase();
  const errors: UsccAnalysis['errors'] = [];
  // 18 characters of the alphabet (nearly every code): no length or alphabet error to describe.
  if (WELL_FORMED.test(code)) return checked(code, errors, computeCheckChar(code.slice(0, 17)));
  const chars = [...code];

  if (chars.length !== 18) {
    // 17 valid characters: the check character alone is missing, and it follows from them.
    const missing = chars.length === 17 && chars.every((c) => USCC_ALPHABET.includes(c)) ? computeCheckChar(code) : null;
    errors.push({
      kind: 'length',
      text: text(
        `统一社会信用代码「${code}」有 ${chars.length} 位，应为 18 位${missing ? `；按这17位，校验位（第18位）应为「${missing}」` : ''}`,
        `unified social credit code "${code}" has ${chars.length} characters; 18 are needed${missing ? `; from these 17 characters, the check character (position 18) would be ${missing}` : ''}`,
      ),
    });
  }

  const bad = chars.map((c, i) => ({ c, pos: i + 1 })).filter(({ c }) => !USCC_ALPHABET.includes(c));
  // The check character follows from the first 17 whenever they are valid, whatever the 18th is.
  const expectedCheck = chars.length === 18 && bad.every(({ pos }) => pos === 18) ? computeCheckChar(code.slice(0, 17)) : null;
  if (bad.length > 0) {
    const hints = bad.filter(({ c }) => LOOKALIKE[c]);
    const hintZh = hints.length ? `（若是误写，可能应为：${hints.map(({ c, pos }) => `第${pos}位 ${LOOKALIKE[c]}`).join('、')}）` : '';
    const hintEn = hints.length ? ` (if mistyped, perhaps: ${hints.map(({ c, pos }) => `${LOOKALIKE[c]} at position ${pos}`).join(', ')})` : '';
    errors.push({
      kind: 'alphabet',
      text: text(
        `统一社会信用代码「${code}」含不允许的字符：${bad.map(({ c, pos }) => `第${pos}位「${c}」`).join('、')}；只能使用数字 0-9 和大写字母 ${USCC_ALPHABET.slice(10)}，从不使用 I、O、S、V、Z${expectedCheck ? `；按前17位，校验位（第18位）应为「${expectedCheck}」` : hintZh}`,
        `unified social credit code "${code}" contains characters that are not allowed: ${bad.map(({ c, pos }) => `"${c}" at position ${pos}`).join(', ')}; only digits 0-9 and capital letters ${USCC_ALPHABET.slice(10)} are used, never I, O, S, V or Z${expectedCheck ? `; from the first 17 characters, the check character (position 18) should be ${expectedCheck}` : hintEn}`,
      ),
    });
  }

  if (errors.length === 0) return checked(code, errors, computeCheckChar(code.slice(0, 17)));
  return { code, valid: false, structural: false, errors, expectedCheck, divisionCode: null, district: null, registrationAuthority: null, entityType: null };
}

/** 18 characters of the USCC alphabet. */
const WELL_FORMED = new RegExp(`^[${USCC_ALPHABET}]{18}$`);

/** The analysis of a code of 18 characters of the alphabet, whose check character should be `expected`. */
function checked(code: string, errors: UsccAnalysis['errors'], expected: string): UsccAnalysis {
  const result: UsccAnalysis = {
    code,
    valid: false,
    structural: true,
    errors,
    expectedCheck: expected,
    divisionCode: null,
    district: null,
    registrationAuthority: null,
    entityType: null,
  };
  if (code[17] !== expected) {
    errors.push({
      kind: 'check',
      text: text(
        `统一社会信用代码「${code}」的校验位应为「${expected}」，而不是「${code[17]}」（可能有输入错误，请核对营业执照）`,
        `unified social credit code "${code}": check character should be ${expected}, not ${code[17]} (probably a typing error; compare with the business licence)`,
      ),
    });
  }
  const orgExpected = computeOrgCheckChar(code.slice(8, 16));
  if (code[16] !== orgExpected) {
    errors.push({
      kind: 'org-check',
      text: text(
        `统一社会信用代码「${code}」中的组织机构代码（第9-17位）${code.slice(8, 16)}-${code[16]} 校验位应为「${orgExpected}」，而不是「${code[16]}」（可能有输入错误，请核对营业执照）`,
        `unified social credit code "${code}": the organisation code in positions 9-17, ${code.slice(8, 16)}-${code[16]}, should end in ${orgExpected}, not ${code[16]} (probably a typing error; compare with the business licence)`,
      ),
    });
  }

  const division = code.slice(2, 8);
  if (/^\d{6}$/.test(division)) {
    result.divisionCode = division;
    result.district = lookupDivision(division);
  }
  result.registrationAuthority = AUTHORITIES[code[0]] ?? null;
  const type = ENTITY_TYPES[code.slice(0, 2)];
  result.entityType = type ? { code: code.slice(0, 2), text: type } : null;
  result.valid = errors.length === 0;
  return result;
}
