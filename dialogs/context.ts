import type { TurnContext } from 'botbuilder';
import type { PrismaClient } from '../services/db/client';
import type { Locale } from './i18n';

/**
 * What a dialog may use during one turn. The bot puts it into turnState before running
 * dialogs, so dialogs stay free of channel code and tests can supply a frozen clock.
 */
export interface ShopInfo {
  id: string;
  name: string;
  nameEn: string | null;
  timeZone: string;
  bookingHorizonDays: number;
}

export interface CustomerRef {
  id: string;
  name: string;
  locale: string;
}

export interface TurnServices {
  prisma: PrismaClient;
  shop: ShopInfo;
  now(): Date;
  /** The ChannelIdentity row of whoever sent this activity. */
  identityId: string;
  /** Null until the sender has registered (建档). */
  customer: CustomerRef | null;
  locale: Locale;
  log(message: string, data?: Record<string, unknown>): void;
}

const KEY = Symbol.for('aftercare.turnServices');

export function setTurnServices(context: TurnContext, services: TurnServices): void {
  context.turnState.set(KEY, services);
}

export function turnServices(context: TurnContext): TurnServices {
  const services = context.turnState.get(KEY) as TurnServices | undefined;
  if (!services) throw new Error('turn services missing: dialogs must run through AftercareBot');
  return services;
}
