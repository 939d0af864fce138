import type { InjectionKey } from 'vue';
import type { Workspace } from './workspace';

/** The live workspace, provided by the seat screen and the watch screen to their panes. */
export const WORKSPACE: InjectionKey<Workspace> = Symbol('workspace');
