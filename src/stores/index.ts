export {
  type AlertRaise,
  type AreaAlertSettings,
  type AreaContext,
  areaSeenAt,
  DEFAULT_AREA_ALERTS,
  raiseAreaAlert,
  type SharedAlert,
  storesReached,
  toSharedAlert,
  valueBandOf,
} from './area-alerts.js';
export { applyStoresFile, deleteStore, loadStoreRegistry, putStore, type StoreRegistry, type StoresContext, StoresFileError } from './registry.js';
