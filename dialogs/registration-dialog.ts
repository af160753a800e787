/**
 * First contact (建档): mobile, name, plate, optional VIN and mileage — each asked only when
 * not known yet. A number already on file is never announced as such: the new chat account
 * joins that profile only with a code sent to an account the customer already uses (or an
 * advisor's call when there is none), and the owner is told.
 */
import type { Flow, FlowContext, Noted, Step } from './core/flow';
import type { Question } from './core/question';
import type { CustomerRef, RegistrationData } from '../services/desk/types';
import type { Locale } from '../services/locale';
import { when as formatWhenText } from './format';
import { t } from './i18n';

export const REGISTRATION = 'registration';

export interface RegistrationInput {
  /** Why we register: to book, or to find the customer's bookings. */
  purpose: 'book' | 'identify';
  plate?: string | null;
  mobile?: string | null;
  mileageKm?: number | null;
}

export interface RegistrationResult {
  customer: CustomerRef;
  /** The car registered with the profile (new customers only). */
  vehicleId: string | null;
  /** Its plate, when `vehicleId` is set. */
  plate?: string;
}

interface RegistrationState {
  purpose: RegistrationInput['purpose'];
  mobile?: string;
  /** The mobile was checked: new, or a code is on its way. */
  link?: 'new' | 'code';
  name?: string;
  plate?: string;
  /** undefined: not asked yet; null: skipped. */
  vin?: string | null;
  mileageKm?: number | null;
  introduced?: boolean;
}

export const registrationDialog: Flow<RegistrationState, RegistrationInput, RegistrationResult | null> = {
  id: REGISTRATION,

  async begin(ctx, input) {
    const state: RegistrationState = {
      purpose: input.purpose,
      mobile: input.mobile ?? undefined,
      plate: input.plate ?? undefined,
      mileageKm: input.mileageKm ?? undefined,
    };
    return { state, next: await plan(ctx, state) };
  },

  contact: (state) => (state.mobile ? { mobile: state.mobile, name: state.name ?? null } : null),

  absorb(_ctx, state, request) {
    const noted: Noted = [];
    if (request.plate && !state.plate && state.link === 'new') {
      state.plate = request.plate;
      noted.push('plate');
    }
    return noted.length ? noted : null;
  },

  question(ctx, state, id): Question {
    switch (id) {
      case 'mobile':
        return { id, text: ctx.t('reg.askMobile'), field: 'mobile', example: ctx.t('mobile.example') };
      case 'code':
        return { id, text: ctx.t('reg.askCode'), field: 'code', example: ctx.t('reg.codeExample') };
      case 'name':
        return { id, text: ctx.t('reg.askName'), field: 'name', example: ctx.t('name.example') };
      case 'plate':
        return { id, text: ctx.t('reg.askPlate'), field: 'plate', example: ctx.t('plate.example') };
      case 'vin':
        return { id, text: ctx.t('reg.askVin'), field: 'vin', optional: true, example: ctx.t('vin.example') };
      case 'mileage':
        return { id, text: ctx.t('reg.askMileage'), field: 'mileage', optional: true, example: ctx.t('mileage.example') };
    }
    throw new Error(`registration has no question ${id}`);
  },

  async answer(ctx, state, id, reply) {
    const value = reply.kind === 'field' ? reply.value : null;
    switch (id) {
      case 'mobile':
        state.mobile = value as string;
        return plan(ctx, state);
      case 'code': {
        const verified = await ctx.desk.verifyLink({ identityId: ctx.identity.id, code: value as string, ownerNotice: (locale) => ctxT(ctx, locale, 'reg.ownerNotice', ctx.identity.channel) });
        if (verified.ok) {
          ctx.setCustomer(verified.customer);
          ctx.say(ctx.t('reg.linked', { name: verified.customer.name }));
          return { done: { customer: verified.customer, vehicleId: null } };
        }
        if (verified.reason === 'wrong') {
          ctx.say(ctx.t('reg.codeWrong', { left: verified.attemptsLeft }));
          return { ask: 'code' };
        }
        ctx.say(ctx.t(verified.reason === 'locked' ? 'reg.linkLocked' : 'reg.codeExpired'));
        return { done: null };
      }
      case 'name':
        state.name = value as string;
        return plan(ctx, state);
      case 'plate': {
        const plate = value as string;
        if (await ctx.desk.plateTaken(plate)) {
          // Someone else's car: say so without saying whose.
          ctx.say(ctx.t('reg.plateTaken', { plate }));
          return { ask: 'plate' };
        }
        state.plate = plate;
        return plan(ctx, state);
      }
      case 'vin': {
        if (reply.kind === 'skipped') state.vin = null;
        else if (await ctx.desk.vinTaken(value as string)) {
          ctx.say(ctx.t('vin.taken'));
          return { ask: 'vin' };
        } else state.vin = value as string;
        return plan(ctx, state);
      }
      case 'mileage':
        state.mileageKm = reply.kind === 'skipped' ? null : (value as number);
        return plan(ctx, state);
    }
    throw new Error(`registration has no question ${id}`);
  },

  async giveUp(ctx, state) {
    const collected: Partial<RegistrationData> = { mobile: state.mobile, name: state.name, plate: state.plate, vin: state.vin ?? null, mileageKm: state.mileageKm ?? null };
    const { callbackBy } = await ctx.desk.registrationHelp({ identityId: ctx.identity.id, collected });
    ctx.say(ctx.t('reg.gaveUp', { when: formatWhenText(ctx, callbackBy) }));
    return { done: null };
  },
};

function ctxT(_ctx: FlowContext, locale: Locale, key: 'reg.ownerNotice', channel: string): string {
  return t(locale, key, { channel: t(locale, channelNameKey(channel)) });
}

function channelNameKey(channel: string) {
  switch (channel) {
    case 'msteams':
      return 'channel.msteams' as const;
    case 'wechat':
      return 'channel.wechat' as const;
    default:
      return 'channel.other' as const;
  }
}

async function plan(ctx: FlowContext, state: RegistrationState): Promise<Step<RegistrationResult | null>> {
  // Registered meanwhile (the same answer redelivered after its turn had already stored it).
  if (ctx.customer) return { done: { customer: ctx.customer, vehicleId: null } };
  if (!state.mobile) {
    if (!state.introduced) {
      state.introduced = true;
      ctx.say(ctx.t(state.purpose === 'book' ? 'reg.intro' : 'reg.introIdentify'));
    }
    return { ask: 'mobile' };
  }
  if (!state.link) {
    const started = await ctx.desk.startLink({
      identityId: ctx.identity.id,
      mobile: state.mobile,
      codeMessage: (code) => (locale) => t(locale, 'reg.codeMessage', { code, channel: t(locale, channelNameKey(ctx.identity.channel)) }),
    });
    switch (started.kind) {
      case 'new':
        state.link = 'new';
        break;
      case 'code-sent':
        state.link = 'code';
        return { ask: 'code' };
      case 'advisor-check':
        ctx.say(ctx.t('reg.linkAdvisor'));
        return { done: null };
      case 'locked':
        ctx.say(ctx.t('reg.linkLocked'));
        return { done: null };
    }
  }
  if (!state.name) return { ask: 'name' };
  if (!state.plate) return { ask: 'plate' };
  if (state.vin === undefined) return { ask: 'vin' };
  if (state.mileageKm === undefined) return { ask: 'mileage' };
  const outcome = await ctx.desk.register({
    identityId: ctx.identity.id,
    data: { mobile: state.mobile, name: state.name, plate: state.plate, vin: state.vin, mileageKm: state.mileageKm, locale: ctx.locale },
  });
  if (!outcome.ok) {
    // Taken between the question and now (another chat registered it meanwhile).
    if (outcome.reason === 'plate-taken') {
      ctx.say(ctx.t('reg.plateTaken', { plate: state.plate }));
      state.plate = undefined;
      return { ask: 'plate' };
    }
    if (outcome.reason === 'vin-taken') {
      ctx.say(ctx.t('vin.taken'));
      state.vin = undefined;
      return { ask: 'vin' };
    }
    state.link = undefined;
    return plan(ctx, state);
  }
  ctx.setCustomer(outcome.customer);
  ctx.say(ctx.t('reg.done', { name: outcome.customer.name, plate: state.plate }));
  return { done: { customer: outcome.customer, vehicleId: outcome.vehicleId, plate: state.plate } };
}
