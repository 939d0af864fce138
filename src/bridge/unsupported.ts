// Group calls of the drivers that do not have them yet: a clear 503, never a silent success.
import type { BridgePort } from '../messages/bridge-port.js';
import { unavailable } from '../http/errors.js';

export function unsupportedGroups(driver: string): Pick<BridgePort, 'createGroup' | 'addToGroup'> {
  const refuse = async (): Promise<never> => {
    throw unavailable('bridge', `groups are not supported by the ${driver} driver yet`);
  };
  return { createGroup: refuse, addToGroup: refuse };
}
