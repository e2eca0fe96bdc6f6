// Administrative division codes (GB/T 2260) as they appear in chars 3-8 of a
// USCC. Only what the fund needs: Jiangmen exactly, Guangdong's prefecture
// cities, and the provincial-level units; anything finer is a hint anyway
// because the code records the registry at registration time.
import { type Text, text } from './text.js';

/** Jiangmen codes, including retired ones that still occur in old USCCs. */
export const JIANGMEN_DIVISIONS: Readonly<Record<string, Text>> = {
  '440700': text('江门市', 'Jiangmen City'),
  '440701': text('江门市市辖区', 'Jiangmen City districts'),
  '440703': text('蓬江区', 'Pengjiang District'),
  '440704': text('江海区', 'Jianghai District'),
  '440705': text('新会区', 'Xinhui District'),
  '440781': text('台山市', 'Taishan City'),
  // Became 新会区 (440705) in 2002; old codes keep it.
  '440782': text('新会市', 'Xinhui City'),
  '440783': text('开平市', 'Kaiping City'),
  '440784': text('鹤山市', 'Heshan City'),
  '440785': text('恩平市', 'Enping City'),
};

const GUANGDONG_CITIES: Readonly<Record<string, Text>> = {
  '4401': text('广州市', 'Guangzhou City'),
  '4402': text('韶关市', 'Shaoguan City'),
  '4403': text('深圳市', 'Shenzhen City'),
  '4404': text('珠海市', 'Zhuhai City'),
  '4405': text('汕头市', 'Shantou City'),
  '4406': text('佛山市', 'Foshan City'),
  '4407': text('江门市', 'Jiangmen City'),
  '4408': text('湛江市', 'Zhanjiang City'),
  '4409': text('茂名市', 'Maoming City'),
  '4412': text('肇庆市', 'Zhaoqing City'),
  '4413': text('惠州市', 'Huizhou City'),
  '4414': text('梅州市', 'Meizhou City'),
  '4415': text('汕尾市', 'Shanwei City'),
  '4416': text('河源市', 'Heyuan City'),
  '4417': text('阳江市', 'Yangjiang City'),
  '4418': text('清远市', 'Qingyuan City'),
  '4419': text('东莞市', 'Dongguan City'),
  '4420': text('中山市', 'Zhongshan City'),
  '4451': text('潮州市', 'Chaozhou City'),
  '4452': text('揭阳市', 'Jieyang City'),
  '4453': text('云浮市', 'Yunfu City'),
};

const PROVINCES: Readonly<Record<string, Text>> = {
  '11': text('北京市', 'Beijing Municipality'),
  '12': text('天津市', 'Tianjin Municipality'),
  '13': text('河北省', 'Hebei Province'),
  '14': text('山西省', 'Shanxi Province'),
  '15': text('内蒙古自治区', 'Inner Mongolia Autonomous Region'),
  '21': text('辽宁省', 'Liaoning Province'),
  '22': text('吉林省', 'Jilin Province'),
  '23': text('黑龙江省', 'Heilongjiang Province'),
  '31': text('上海市', 'Shanghai Municipality'),
  '32': text('江苏省', 'Jiangsu Province'),
  '33': text('浙江省', 'Zhejiang Province'),
  '34': text('安徽省', 'Anhui Province'),
  '35': text('福建省', 'Fujian Province'),
  '36': text('江西省', 'Jiangxi Province'),
  '37': text('山东省', 'Shandong Province'),
  '41': text('河南省', 'Henan Province'),
  '42': text('湖北省', 'Hubei Province'),
  '43': text('湖南省', 'Hunan Province'),
  '44': text('广东省', 'Guangdong Province'),
  '45': text('广西壮族自治区', 'Guangxi Zhuang Autonomous Region'),
  '46': text('海南省', 'Hainan Province'),
  '50': text('重庆市', 'Chongqing Municipality'),
  '51': text('四川省', 'Sichuan Province'),
  '52': text('贵州省', 'Guizhou Province'),
  '53': text('云南省', 'Yunnan Province'),
  '54': text('西藏自治区', 'Xizang (Tibet) Autonomous Region'),
  '61': text('陕西省', 'Shaanxi Province'),
  '62': text('甘肃省', 'Gansu Province'),
  '63': text('青海省', 'Qinghai Province'),
  '64': text('宁夏回族自治区', 'Ningxia Hui Autonomous Region'),
  '65': text('新疆维吾尔自治区', 'Xinjiang Uygur Autonomous Region'),
  '71': text('台湾省', 'Taiwan Province'),
  '81': text('香港特别行政区', 'Hong Kong Special Administrative Region'),
  '82': text('澳门特别行政区', 'Macao Special Administrative Region'),
};

/** True for any 4407xx code: the city, its districts and retired ones (440782). */
export function isJiangmenDivision(code6: string): boolean {
  return /^4407\d{2}$/.test(code6);
}

/**
 * Name of a division code: Jiangmen districts exactly, otherwise the Guangdong
 * city with its province, otherwise the province; null when unknown.
 */
export function lookupDivision(code6: string): Text | null {
  if (!/^\d{6}$/.test(code6)) return null;
  const exact = JIANGMEN_DIVISIONS[code6];
  if (exact) return exact;
  // 100000: registered by a national (central) authority.
  if (code6 === '100000') return text('国家（中央）', 'national (central government)');
  const province = PROVINCES[code6.slice(0, 2)];
  if (!province) return null;
  const city = code6.startsWith('44') ? GUANGDONG_CITIES[code6.slice(0, 4)] : undefined;
  if (!city) return province;
  return text(`${province.zh}${city.zh}`, `${city.en}, ${province.en}`);
}
