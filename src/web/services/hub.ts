// The app's single HTTP client and API, wired to the session (token, 401 → login) and to the
// message box that shows every failure's `msg`.
import { ElMessage } from 'element-plus';
import { createAdminApi } from '../api/admin';
import { createHubApi } from '../api/client';
import { createHttp } from '../api/http';
import { router } from '../router';
import { usePermissionsStore } from '../stores/permissions';
import { useSessionStore } from '../stores/session';

export const http = createHttp({
  getToken: () => useSessionStore().token,
  onUnauthorized: () => {
    useSessionStore().signOut();
    usePermissionsStore().reset();
    void router.push({ name: 'login', query: { redirect: router.currentRoute.value.fullPath } });
  },
  onFailure: (error) => {
    ElMessage({ type: 'error', message: error.message, grouping: true, showClose: true });
  },
});

export const api = createHubApi(http);
export const adminApi = createAdminApi(http);
