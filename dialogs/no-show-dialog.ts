/**
 * A booking nobody came to: one polite message offering a new time (sent by the follow-up
 * job, in quiet hours). A time in the reply ("明天上午10点") books the same work for that time
 * straight away; "好 / 重新约" asks for one; "不用了" ends it without another word from us.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import { NO_WORDS, YES_WORDS } from './core/reader';
import type { WantedTime } from '../services/time';
import type { ServiceMention } from '../services/understanding/types';
import { BOOKING, type BookingInput } from './booking-dialog';
import { when as formatWhen } from './format';

export const NO_SHOW = 'no-show';

/** The facts of the customer.notice booking.no-show. */
export interface NoShowInput {
  bookingId: string;
  ref: string;
  startsAt: string;
  plate: string;
}

interface NoShowState {
  bookingId: string;
  ref: string;
  startsAt: string;
  plate: string;
}

export const noShowDialog: Flow<NoShowState, NoShowInput, null> = {
  id: NO_SHOW,
  serves: ['book', 'reschedule'],

  async begin(_ctx, input) {
    return { state: { bookingId: input.bookingId, ref: input.ref, startsAt: input.startsAt, plate: input.plate }, next: { ask: 'offer' } };
  },

  question(ctx, state): Question {
    return {
      id: 'offer',
      text: ctx.t('noShow.offer', { when: formatWhen(ctx, new Date(state.startsAt)), plate: state.plate, ref: state.ref }),
      field: 'when',
      confirmation: true,
      options: [
        { id: 'rebook', label: ctx.t('noShow.rebook'), exact: YES_WORDS, synonyms: ['重新预约', '重新约', '再约', '改约', '约个时间', 'rebook', 'new time', 'book again'] },
        { id: 'no', label: ctx.t('noShow.notNow'), exact: [...NO_WORDS, '不用了', '不用', '暂时不用', 'no thanks', 'not now'], synonyms: ['暂时不用', '不需要', 'not now'] },
      ],
    };
  },

  async answer(ctx, state, _id, reply) {
    if (reply.kind === 'option' && reply.option.id === 'no') {
      ctx.say(ctx.t('noShow.ok'));
      return { done: null };
    }
    const wanted = reply.kind === 'field' ? (reply.value as WantedTime) : null;
    return rebook(ctx, state, wanted);
  },
};

async function rebook(ctx: FlowContext, state: NoShowState, wanted: WantedTime | null): Promise<Step<null>> {
  const booking = ctx.customer ? await ctx.desk.booking(ctx.customer.id, state.bookingId) : null;
  const services: ServiceMention[] = (booking?.services ?? []).map((s) => ({ id: s.id, code: s.code, certainty: 'firm', said: s.name[ctx.locale] }));
  return { replace: BOOKING, input: { services, plate: booking?.plate ?? state.plate, wanted } satisfies BookingInput };
}
