import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiKeyAuth } from './auth';
import { bookingsApi } from './bookings';
import type { ApiOptions } from './common';
import { repairOrdersApi } from './repair-orders';
import { tasksApi } from './tasks';

export interface RestApiOptions extends ApiOptions {
  /** AFTERCARE_API_KEY, if set. */
  envKey: string | undefined;
}

/**
 * The advisors' REST API under /api/v1 (workshop screens, DMS integration). Every route
 * needs a key: AFTERCARE_API_KEY or a named one (`aftercare apikey create`); with neither
 * the API answers 404 saying how to turn it on. New route modules register here.
 */
export const restApi: FastifyPluginAsyncZod<RestApiOptions> = async (app, options) => {
  app.addHook('onRequest', apiKeyAuth({ prisma: options.prisma, shopId: options.shop.id, envKey: options.envKey, now: options.now }));
  const routeOptions: ApiOptions = { prisma: options.prisma, shop: options.shop, now: options.now };
  await app.register(bookingsApi, routeOptions);
  await app.register(tasksApi, routeOptions);
  await app.register(repairOrdersApi, routeOptions);
};
