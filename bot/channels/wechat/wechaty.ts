/**
 * Starting the WeChat connection. The puppet (the protocol implementation) is chosen by
 * configuration, e.g. WECHATY_PUPPET=wechaty-puppet-service with a WeCom provider token, or
 * wechaty-puppet-official-account; none is a dependency of the project, so a missing one must
 * be reported as an install instruction rather than a module-resolution stack trace.
 */
import { WechatyBuilder, ScanStatus, qrcodeValueToImageUrl, type Message, type PuppetModuleName, type Wechaty } from 'wechaty';
import type { WechatLogger } from './adapter';

export interface WechatConfig {
  /** npm name of the Wechaty puppet, e.g. 'wechaty-puppet-service'. */
  puppet?: string;
  /** Puppet token (wechaty-puppet-service: 'puppet_<provider>_<uuid>'). */
  token?: string;
  /** Puppet service endpoint, when not discovered from the token. */
  endpoint?: string;
  /** Wechaty instance name; Wechaty keeps the login session in '<name>.memory-card.json' in the working directory. */
  name?: string;
  /** A puppet object instead of a package name (tests pass wechaty-puppet-mock). */
  puppetInstance?: unknown;
}

export class WechatPuppetNotInstalledError extends Error {
  constructor(readonly puppet: string) {
    super(`WeChat puppet '${puppet}' is not installed: npm install ${puppet}`);
    this.name = 'WechatPuppetNotInstalledError';
  }
}

/** Throws WechatPuppetNotInstalledError when `puppet` cannot be found from the app or this module. */
export function assertPuppetInstalled(puppet: string, resolve: (id: string, options: { paths: string[] }) => string = require.resolve): void {
  try {
    resolve(puppet, { paths: [process.cwd(), __dirname] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Only "the package itself is missing" is an install problem; an ESM-only package's
    // ERR_PACKAGE_PATH_NOT_EXPORTED means it is there, and Wechaty will import it.
    if (code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${puppet}'`)) {
      throw new WechatPuppetNotInstalledError(puppet);
    }
  }
}

/**
 * Builds and starts Wechaty with the configured puppet and hands every message to `onMessage`
 * (typically `msg => adapter.handleMessage(msg, logic)`). Resolves once the puppet has started;
 * login may come later (personal-account puppets log a QR code URL to scan).
 */
export async function startWechaty(
  config: WechatConfig,
  onMessage: (msg: Message) => Promise<void>,
  options: { logger?: WechatLogger } = {},
): Promise<Wechaty> {
  const logger = options.logger ?? console;
  const puppet = config.puppet?.trim() ?? (config.puppetInstance ? 'puppet instance' : undefined);
  if (!puppet) throw new Error('No WeChat puppet configured (set WECHATY_PUPPET)');
  if (!config.puppetInstance) assertPuppetInstalled(puppet);

  const puppetOptions: Record<string, string> = {};
  // Puppets validate their options; passing undefined keys would override their own env defaults.
  if (config.token) puppetOptions.token = config.token;
  if (config.endpoint) puppetOptions.endpoint = config.endpoint;
  const bot = WechatyBuilder.build({
    ...(config.name ? { name: config.name } : {}),
    // Wechaty's type lists only its official puppets; any puppet package works at run time.
    puppet: (config.puppetInstance ?? puppet) as PuppetModuleName,
    ...(config.puppetInstance ? {} : { puppetOptions }),
  });

  bot.on('scan', (qrcode, status) => {
    if (status === ScanStatus.Waiting || status === ScanStatus.Timeout) {
      logger.info(`WeChat: scan this QR code to log in: ${qrcodeValueToImageUrl(qrcode)}`);
    }
  });
  bot.on('login', (user) => logger.info(`WeChat: logged in as ${user.name()} (${user.id})`));
  bot.on('logout', (user) => logger.warn(`WeChat: ${user.name()} logged out`));
  bot.on('error', (error) => logger.error(`WeChat: ${error.message}`));
  bot.on('message', (msg) => {
    onMessage(msg).catch((error: unknown) => logger.error(`WeChat: message ${msg.id} failed: ${error instanceof Error ? error.stack : String(error)}`));
  });

  try {
    await bot.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(puppet)) {
      throw new WechatPuppetNotInstalledError(puppet);
    }
    throw new Error(`WeChat puppet '${puppet}' failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  return bot;
}
