/**
 * Which catalogue services a message names, and how firmly.
 *
 * 'firm' is a request for the job ("换刹车片", "book an oil change", "常规保养多少钱");
 * 'tentative' is a passing or doubtful mention that must not add a priced job unasked
 * ("顺便帮我看看轮胎气压", "maybe check the tyres", "轮胎是不是该换了", "刹车片有异响").
 *
 * The rules, applied to each naming within its clause (clauses end at punctuation and at
 * 然后 / 顺便 / 另外 / then / also / but …):
 * 1. negated → dropped ("不用换机油", "skip the tyres");
 * 2. named by a symptom the catalogue lists as its alias (异响 → inspection, 空调不凉 → A/C) → firm;
 * 3. a word of doubt (要不要, 是不是, 可能, maybe, if needed) before it in the clause, or after it
 *    with no other service named after the doubt ("轮胎是不是该换了", but in "oil change and maybe
 *    check the tyres" the doubt is about the tyres) → tentative;
 * 4. a request verb right before it (换, 更换, 做个, replace, new, book) → firm;
 * 5. a checking verb before it in the clause or right after it (看看, 检查, check, looked at,
 *    轮胎气压) → tentative;
 * 6. a symptom in the same clause ("刹车片有异响", "the brakes are grinding") → tentative;
 * 7. otherwise firm.
 * A generic checking word that the catalogue lists as the inspection ("检查") is dropped when it
 * only governs another service in its clause ("检查下空调" is about the air-con). A symptom with no
 * firm service books the catalogue's inspection (firm). Each service is listed once, in text
 * order; firm wins over tentative.
 */
import { findServiceSpans, type CatalogueEntry, type ServiceSpan } from '../catalog';
import type { Locale } from '../locale';
import { hasSymptom } from './symptoms';
import type { ServiceMention } from './types';

const CLAUSE_BREAK = /[，,。；;！!？?\n]|然后|顺便|另外|还有|再帮|同时|并且|而且|不过|但是|\b(?:then|also|but|plus)\b|while you(?:'re| are) at it/g;

const NEGATED_BEFORE = /(?:(?<![要需用该是])(?:不用|不要|不需要|不)|别|无需|免|先不|暂时不)(?:再|帮我|给我)?(?:换|做|修|加|弄|检查|更换|看)?(?:了)?\s*$|\b(?:no|not|don't|dont|do not|without|skip|except|no need to|don't need|dont need|no need for)\s+(?:(?:do|doing|change|changing|replace|replacing|the|my|a|an|any|to|new)\s+){0,3}$/;
const NEGATED_AFTER = /^\s*(?:就|先|暂时|也|都)?(?:不用|不要|不需要|别|不)(?:换|做|修|弄|了|啦|检查)|^\s*(?:is|are)?\s*(?:not needed|not necessary|can wait)/;
const DOUBT =
  /要不要|需不需要|需要不需要|用不用|该不该|是不是|是否|可能|也许|或许|好像|有没有必要|有必要吗|需要吗|换吗|该换了吗|有没有问题|如果需要|需要的话|必要的话|看情况|视情况|\b(?:maybe|perhaps|possibly|might|whether|if needed|if necessary|if required|if it needs|see if|check if|do i need|does it need|should i|should it|not sure|wondering)\b/g;
const REQUEST_BEFORE =
  /(?:换|更换|换个|换一下|换掉|做|做个|做一下|做一次|加|补|装|修|买|预约|约|来个|上个)(?:一下|个|一个|一次|套|副|条|瓶|四条|4条)?(?:新的?)?\s*$|\b(?:replace|replacing|change|changing|new|fit|install|do|get|book|need|want|swap)\s+(?:(?:the|my|a|an|some|all|four|4|front|rear|new)\s+){0,2}$/;
const CHECK_BEFORE = /看看|看一下|看一看|看下|瞧瞧|瞧一下|检查|查一下|查查|查下|测一下|测测|帮忙看|\b(?:check|checked|look at|looked at|a look at|inspect|examine|test)\b/;
const CHECK_AFTER =
  /^\s*(?:也|都|顺便|帮忙|给我)?(?:看看|看一下|看下|检查|查一下|查查|测一下|瞧瞧)|^(?:的)?(?:气压|胎压|情况|磨损|状况|状态|厚度|花纹)|^\s*(?:\w+\s+){0,2}(?:checked|looked at|inspected|examined|tested)\b|^\s*(?:pressure|condition|wear|tread)\b/;
/** "发个定位", "共享位置": 定位 is where the shop is, not the alignment service. */
const NOT_ALIGNMENT = /发|位置|地址|导航|共享|微信|在哪/;
const GENERIC_CHECK = new Set(['检查', '检测', '检修', 'check-up', 'checkup']);

interface Clause {
  start: number;
  end: number;
}

function clauseOf(breaks: number[], start: number, end: number, length: number): Clause {
  let clauseStart = 0;
  let clauseEnd = length;
  for (const b of breaks) {
    if (b <= start) clauseStart = b;
    else if (b >= end) {
      clauseEnd = b;
      break;
    }
  }
  return { start: clauseStart, end: clauseEnd };
}

// The catalogue's inspection, found by its names (not a hard-coded code: every shop names its own).
const inspectionOf = new WeakMap<readonly object[], CatalogueEntry | null>();

export function inspectionItem(catalogue: readonly CatalogueEntry[]): CatalogueEntry | null {
  if (inspectionOf.has(catalogue)) return inspectionOf.get(catalogue)!;
  const found =
    catalogue.find((i) => i.active !== false && (/inspection/i.test(i.nameEn) || i.aliases.some((a) => /^inspection$/i.test(a)))) ??
    catalogue.find((i) => i.active !== false && /检测/.test(i.nameZh)) ??
    null;
  inspectionOf.set(catalogue, found);
  return found;
}

interface Judged {
  span: ServiceSpan<CatalogueEntry>;
  certainty: ServiceMention['certainty'];
  said: string;
}

export function findServices(
  catalogue: readonly CatalogueEntry[],
  normal: string,
  locale: Locale,
  symptom: { found: boolean; said: string | null },
): ServiceMention[] {
  const lower = normal.toLowerCase();
  const spans = findServiceSpans(catalogue, normal, locale);
  const inspection = inspectionItem(catalogue);
  const breaks = spans.length ? [...lower.matchAll(CLAUSE_BREAK)].map((m) => m.index!) : [];
  const doubts = spans.length ? [...lower.matchAll(DOUBT)].map((m) => m.index!) : [];
  const judged: Judged[] = [];
  for (const span of spans) {
    const said = normal.slice(span.start, span.end);
    const clause = clauseOf(breaks, span.start, span.end, lower.length);
    const before = lower.slice(clause.start, span.start);
    const after = lower.slice(span.end, clause.end);
    const clauseText = lower.slice(clause.start, clause.end);
    if (said === '定位' && NOT_ALIGNMENT.test(clauseText)) continue;
    if (NEGATED_BEFORE.test(before) || NEGATED_AFTER.test(after)) continue;
    const isInspection = inspection !== null && span.item.id === inspection.id;
    if (isInspection && GENERIC_CHECK.has(said.toLowerCase())) {
      const governsAnother = spans.some((o) => o !== span && o.item.id !== inspection.id && o.start >= clause.start && o.end <= clause.end);
      if (governsAnother) continue;
    }
    const doubted = doubts.some(
      (d) =>
        d >= clause.start &&
        d < clause.end &&
        (d < span.start || (d >= span.end && !spans.some((o) => o !== span && o.start > d && o.end <= clause.end))),
    );
    let certainty: ServiceMention['certainty'];
    if (hasSymptom(said.toLowerCase())) certainty = 'firm';
    else if (doubted) certainty = 'tentative';
    else if (REQUEST_BEFORE.test(before)) certainty = 'firm';
    else if (!isInspection && (CHECK_BEFORE.test(before) || CHECK_AFTER.test(after))) certainty = 'tentative';
    else if (!isInspection && hasSymptom(clauseText)) certainty = 'tentative';
    else certainty = 'firm';
    judged.push({ span, certainty, said });
  }
  const mentions: ServiceMention[] = [];
  for (const j of judged) {
    const existing = mentions.find((m) => m.id === j.span.item.id);
    if (existing) {
      if (j.certainty === 'firm') existing.certainty = 'firm';
      continue;
    }
    mentions.push({ id: j.span.item.id, code: j.span.item.code, certainty: j.certainty, said: j.said });
  }
  if (symptom.found && inspection && !mentions.some((m) => m.certainty === 'firm') && !mentions.some((m) => m.id === inspection.id)) {
    mentions.push({ id: inspection.id, code: inspection.code, certainty: 'firm', said: symptom.said ?? '' });
  }
  return mentions;
}
