import 'element-plus/dist/index.css';
import './styles/console.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { guardRoutes, router } from './router';
import { adminApi } from './services/hub';

const app = createApp(App);
app.use(createPinia());
guardRoutes(router, adminApi);
app.use(router);
app.use(i18n);
app.mount('#app');
