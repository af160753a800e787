// Transitional: the front door moved to bot/http/. Only bot/aftercare-bot.ts still imports
// sanitizeStrings from here; point it at './http/sanitize' and delete this file.
export { sanitizeStrings } from './http/sanitize';
