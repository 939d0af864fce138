// What the signed-in role may do (`GET /xd/auth/info` permissions) and see (`GET /xd/auth/routers`).
// Loaded before the first screen and refreshed after every navigation, so a permission an admin
// removes disappears from the screen at the user's next move (the hub refuses it anyway).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AuthInfo, RouterVo } from '../api/admin';
import { componentsOf, holds } from '../router/menu';

export interface PermissionSource {
  info(): Promise<AuthInfo>;
  routers(): Promise<RouterVo[]>;
}

export const usePermissionsStore = defineStore('permissions', () => {
  const permissions = ref<string[]>([]);
  const routers = ref<RouterVo[]>([]);
  const loaded = ref(false);
  /** The token the data was loaded with: another sign-in loads again. */
  const owner = ref<string | null>(null);
  let inFlight: Promise<void> | null = null;

  const components = computed(() => componentsOf(routers.value));

  /** One request pair at a time; a call while one runs waits for it. */
  function refresh(source: PermissionSource, token: string | null): Promise<void> {
    inFlight ??= Promise.all([source.info(), source.routers()])
      .then(([info, tree]) => {
        permissions.value = info.permissions;
        routers.value = tree;
        loaded.value = true;
        owner.value = token;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  function can(wanted: string | readonly string[]): boolean {
    return holds(permissions.value, wanted);
  }

  function mayOpen(component: string): boolean {
    return components.value.has(component);
  }

  function reset(): void {
    permissions.value = [];
    routers.value = [];
    loaded.value = false;
    owner.value = null;
  }

  return { permissions, routers, loaded, owner, components, refresh, can, mayOpen, reset };
});
