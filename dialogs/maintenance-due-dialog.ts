/**
 * 定期保养提醒: the car is due (by date, by distance or both), with the work put off on
 * earlier visits alongside, and the customer chooses: book it (a time in the reply books it
 * for that time), later, or no more reminders ("不用了 / stop", which stops surveys too and is
 * said so, with how to undo it).
 */
import type { Flow, FlowContext } from './core/flow';
import type { Question } from './core/question';
import { YES_WORDS } from './core/reader';
import type { WantedTime } from '../services/time';
import type { ServiceMention } from '../services/understanding/types';
import { BOOKING, type BookingInput } from './booking-dialog';
import { day, money } from './format';

export const MAINTENANCE_DUE = 'maintenance-due';

/** The facts of the customer.notice maintenance.due. */
export interface MaintenanceDueInput {
  vehicleId: string;
  plate: string;
  services: Array<{ catalogItemId: string; zh: string; en: string; dueBy: 'date' | 'mileage' | 'both'; dueDate?: string; dueKm?: number }>;
  carried: Array<{ itemId: string; zh: string; en: string; priceFen: number; repairOrderNumber: string }>;
  reminderNumber: number;
}

type MaintenanceDueState = MaintenanceDueInput;

/** Whole replies and phrases that mean "stop reminding me". */
export const STOP_WORDS: readonly string[] = ['不用了', '不用', '不需要', '别提醒了', '不要提醒', '不要再提醒', '别再提醒', '不再提醒', '退订', '别发了', '不要再发', 'stop', 'unsubscribe', 'no more reminders', 'stop reminders'];

function dueLine(ctx: FlowContext, s: MaintenanceDueInput['services'][number]): string {
  const title = s[ctx.locale];
  if (s.dueBy === 'mileage' && s.dueKm != null) return ctx.t('maintenance.dueKm', { title, km: s.dueKm });
  if (s.dueBy === 'both' && s.dueKm != null && s.dueDate) return ctx.t('maintenance.dueBoth', { title, date: day(ctx, s.dueDate), km: s.dueKm });
  return s.dueDate ? ctx.t('maintenance.dueDate', { title, date: day(ctx, s.dueDate) }) : ctx.t('maintenance.dueSoon', { title });
}

export const maintenanceDueDialog: Flow<MaintenanceDueState, MaintenanceDueInput, null> = {
  id: MAINTENANCE_DUE,
  serves: ['book'],

  async begin(_ctx, input) {
    return { state: input, next: { ask: 'offer' } };
  },

  question(ctx, state): Question {
    const lines = [ctx.t('maintenance.intro', { plate: state.plate }), ...state.services.map((s) => `· ${dueLine(ctx, s)}`)];
    if (state.carried.length) {
      lines.push(ctx.t('maintenance.carried'));
      for (const c of state.carried) lines.push(`· ${ctx.t('maintenance.carriedLine', { title: c[ctx.locale], price: money(ctx, c.priceFen), number: c.repairOrderNumber })}`);
    }
    lines.push(ctx.t('maintenance.ask'));
    return {
      id: 'offer',
      text: lines.join('\n'),
      field: 'when',
      confirmation: true,
      options: [
        { id: 'book', label: ctx.t('maintenance.book'), exact: YES_WORDS, synonyms: ['预约', '约一下', '帮我约', '约个时间', 'book', 'book it', 'yes please'] },
        { id: 'later', label: ctx.t('maintenance.later'), exact: ['稍后', '以后再说', '过几天', '再说', 'later', 'not now', 'maybe later'], synonyms: ['稍后再说', '以后再说', '过段时间', 'later'] },
        { id: 'stop', label: ctx.t('maintenance.stop'), exact: STOP_WORDS, synonyms: ['不再提醒', '别再提醒', '不要再提醒', '退订', 'unsubscribe', 'stop reminding'] },
      ],
    };
  },

  async answer(ctx, state, _id, reply) {
    const picked = reply.kind === 'option' ? reply.option.id : 'book';
    if (picked === 'later') {
      ctx.say(ctx.t('maintenance.laterOk'));
      return { done: null };
    }
    if (picked === 'stop') {
      if (ctx.customer) await ctx.desk.stopFollowUp({ customerId: ctx.customer.id, channel: ctx.identity.channel });
      ctx.say(ctx.t('followUp.stopped'));
      return { done: null };
    }
    const wanted = reply.kind === 'field' ? (reply.value as WantedTime) : null;
    const services: ServiceMention[] = state.services.map((s) => ({ id: s.catalogItemId, code: '', certainty: 'firm', said: s[ctx.locale] }));
    return { replace: BOOKING, input: { services, plate: state.plate, wanted } satisfies BookingInput };
  },
};
