/** `/_local/admin…`: see the admin data, break one piece of it, or start over (optionally with Identity Center elsewhere). */
import { json, type Exchange } from '../http';
import { BREAKS, breakPiece } from './breaks';
import type { AdminData, AdminLayout } from './data';

export function handleAdminControl(exchange: Exchange, data: AdminData, reseed: (layout?: AdminLayout) => void): boolean {
  const route = `${exchange.method} ${exchange.url.pathname}`;
  const body = (): Record<string, unknown> => JSON.parse(exchange.body || '{}') as Record<string, unknown>;
  switch (route) {
    case 'GET /_local/admin':
      json(exchange, 200, { ...data, pieces: Object.keys(BREAKS) });
      return true;
    case 'POST /_local/admin/break':
      try {
        breakPiece(data, String(body().piece ?? ''));
        json(exchange, 200, { broken: body().piece });
      } catch (error) {
        json(exchange, 400, { message: (error as Error).message });
      }
      return true;
    case 'POST /_local/admin/reset': {
      const { idcAccountId, idcRegion } = body();
      reseed(typeof idcAccountId === 'string' && typeof idcRegion === 'string' ? { idcAccountId, idcRegion } : undefined);
      json(exchange, 200, { reset: true });
      return true;
    }
    default:
      return false;
  }
}
