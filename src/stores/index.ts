export {
  type AlertRaise,
  type AreaAlertSettings,
  type AreaContext,
  areaSeenAt,
  DEFAULT_AREA_ALERTS,
  raiseAreaAlert,
  storesReached,
  valueBandOf,
} from './area-alerts.js';
export { applyStoresFile, deleteStore, loadStoreRegistry, putStore, type StoreRegistry, type StoresContext, StoresFileError } from './registry.js';
export { type AlertExchange, createAlertExchange, EXCHANGE_SYNC_EVERY_MS, toSharedAlert } from './alert-exchange.js';
