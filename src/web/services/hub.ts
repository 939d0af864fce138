// The app's single HTTP client and API, wired to the session (token, 401 → login) and to the
// message box that shows every failure's `msg`.
import { ElMessage } from 'element-plus';
import { createHubApi } from '../api/client';
import { createHttp } from '../api/http';
import { router } from '../router';
import { useSessionStore } from '../stores/session';

export const http = createHttp({
  getToken: () => useSessionStore().token,
  onUnauthorized: () => {
    useSessionStore().signOut();
    void router.push({ name: 'login', query: { redirect: router.currentRoute.value.fullPath } });
  },
  onFailure: (error) => {
    ElMessage({ type: 'error', message: error.message, grouping: true, showClose: true });
  },
});

export const api = createHubApi(http);
