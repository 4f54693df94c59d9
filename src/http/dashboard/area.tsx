import type { FC } from 'hono/jsx';
import type { AreaAlertRow, StoreRow } from '../../store/index.js';
import { storesReached } from '../../stores/index.js';
import { formatDateTime } from './format.js';

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = 24;

export interface AreaView {
  stores: readonly StoreRow[];
  /** Recent live alerts, newest first. */
  alerts: readonly AreaAlertRow[];
  unknownStores: ReadonlyArray<{ storeId: string; firstSeenAt: number }>;
  now: number;
  timeZone: string;
}

type Placed = { id: string; x: number; y: number };

/**
 * Stores placed by their coordinates with an equirectangular projection (longitude scaled by the
 * cosine of the middle latitude, so a town keeps its shape): no tiles, nothing fetched from elsewhere.
 */
function place(points: ReadonlyArray<{ id: string; lat: number; lon: number }>): { placed: Map<string, Placed>; kmPerPixel: number } {
  const lats = points.map((point) => point.lat);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const squash = Math.cos((midLat * Math.PI) / 180);
  const xs = points.map((point) => point.lon * squash);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...lats), Math.max(...lats)];
  // A lone store, or stores in a line, still get a sensible scale: at least 0.1° across.
  const span = Math.max(maxX - minX, maxY - minY, 0.1);
  const scale = Math.min(WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN) / span;
  const placed = new Map<string, Placed>();
  points.forEach((point, index) => {
    placed.set(point.id, {
      id: point.id,
      x: MARGIN + (xs[index]! - minX) * scale + (WIDTH - 2 * MARGIN - (maxX - minX) * scale) / 2,
      y: HEIGHT - MARGIN - (point.lat - minY) * scale - (HEIGHT - 2 * MARGIN - (maxY - minY) * scale) / 2,
    });
  });
  // One degree of latitude is about 111.2 km.
  return { placed, kmPerPixel: 111.2 / scale };
}

/** Recent area alerts and the stores they reached: a picture drawn here, and the same as a table. */
export const AreaSection: FC<{ view: AreaView }> = ({ view }) => {
  const located = view.stores.filter((store) => store.location).map((store) => ({ id: store.id, lat: store.location!.lat, lon: store.location!.lon }));
  const { placed, kmPerPixel } = located.length > 0 ? place(located) : { placed: new Map<string, Placed>(), kmPerPixel: 1 };
  const rows = view.alerts.map((alert) => ({ alert, reached: storesReached(alert, view.stores), live: alert.expiresAt > view.now }));
  const reachedIds = new Set(rows.filter((row) => row.live).flatMap((row) => row.reached.map((reached) => reached.storeId)));
  return (
    <section aria-labelledby="area-title">
      <h2 id="area-title">Scams stopped nearby (area alerts)</h2>
      {located.length === 0 ? (
        <p>No store has a location yet: add one with PUT /v1/stores/&#123;storeId&#125; or the stores file.</p>
      ) : (
        <figure>
          <svg id="area-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-labelledby="area-map-title area-map-desc" class="area-map">
            <title id="area-map-title">Stores and area alerts</title>
            <desc id="area-map-desc">
              {`${located.length} stores placed by their coordinates; ${rows.filter((row) => row.live).length} live alerts drawn as circles of their radius around the store that raised them; stores they reach are filled. The same is in the table below.`}
            </desc>
            <rect x="0" y="0" width={WIDTH} height={HEIGHT} class="area-ground" />
            {rows
              .filter((row) => row.live && row.alert.location && placed.has(row.alert.storeId))
              .map(({ alert }) => {
                const origin = placed.get(alert.storeId)!;
                return <circle class="area-radius" data-alert={alert.id} cx={origin.x.toFixed(1)} cy={origin.y.toFixed(1)} r={(alert.radiusKm / kmPerPixel).toFixed(1)} />;
              })}
            {[...placed.values()].map((point) => (
              <g class={reachedIds.has(point.id) ? 'area-store reached' : 'area-store'} data-store={point.id}>
                <circle cx={point.x.toFixed(1)} cy={point.y.toFixed(1)} r="6" />
                <text x={(point.x + 9).toFixed(1)} y={(point.y + 4).toFixed(1)}>
                  {point.id}
                </text>
              </g>
            ))}
          </svg>
          <figcaption>Stores by their coordinates; rings are live alerts’ reach; filled stores are inside one.</figcaption>
        </figure>
      )}
      <table id="area-alerts">
        <caption>Area alerts in the last 24 hours</caption>
        <thead>
          <tr>
            <th scope="col">Raised</th>
            <th scope="col">Store</th>
            <th scope="col">What happened</th>
            <th scope="col">Brands</th>
            <th scope="col">Until</th>
            <th scope="col">Stores reached</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colspan={6}>No scam stopped in the last 24 hours.</td>
            </tr>
          ) : (
            rows.map(({ alert, reached, live }) => (
              <tr data-alert={alert.id}>
                <td>{formatDateTime(alert.raisedAt, view.timeZone)}</td>
                <td>{alert.storeId}</td>
                <td>{alert.reason.replaceAll('_', ' ')}</td>
                <td>{alert.brands.join(', ')}</td>
                <td>{live ? formatDateTime(alert.expiresAt, view.timeZone) : 'expired'}</td>
                <td>{reached.length === 0 ? 'none' : reached.map((store) => `${store.storeId} (${store.km} km)`).join(', ')}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {view.unknownStores.length > 0 && (
        <p class="error" role="status" id="unknown-stores">
          {`Tills sent store ids the registry does not have (decided with the service’s defaults, no area alerts): ${view.unknownStores.map((store) => store.storeId).join(', ')}.`}
        </p>
      )}
    </section>
  );
};
