export { DEFAULT_UI_API_PREFIX, UI_BASE, type UiPluginOptions, uiPlugin } from './ui-plugin.js';
export { type UiServices, uiServicesFromKeel } from './ui-services.js';
