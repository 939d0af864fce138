// Who is logged in. The token lives in sessionStorage (gone with the tab) unless the user
// ticked "remember me", then in localStorage.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { User } from '../api/types';

const TOKEN_KEY = 'hub.token';
const USER_KEY = 'hub.user';

function storages(): Storage[] {
  return typeof window === 'undefined' ? [] : [window.sessionStorage, window.localStorage];
}

function readStored(key: string): string | null {
  for (const storage of storages()) {
    const value = storage.getItem(key);
    if (value) return value;
  }
  return null;
}

export const useSessionStore = defineStore('session', () => {
  const token = ref<string | null>(readStored(TOKEN_KEY));
  const storedUser = readStored(USER_KEY);
  const user = ref<User | null>(storedUser ? (JSON.parse(storedUser) as User) : null);

  const loggedIn = computed(() => token.value !== null && user.value !== null);
  const role = computed(() => user.value?.role ?? null);

  function signIn(newToken: string, newUser: User, remember: boolean): void {
    token.value = newToken;
    user.value = newUser;
    for (const storage of storages()) {
      storage.removeItem(TOKEN_KEY);
      storage.removeItem(USER_KEY);
    }
    const target = storages()[remember ? 1 : 0];
    target?.setItem(TOKEN_KEY, newToken);
    target?.setItem(USER_KEY, JSON.stringify(newUser));
  }

  function signOut(): void {
    token.value = null;
    user.value = null;
    for (const storage of storages()) {
      storage.removeItem(TOKEN_KEY);
      storage.removeItem(USER_KEY);
    }
  }

  return { token, user, loggedIn, role, signIn, signOut };
});
