/** A node's own count of its round trips to PostgreSQL and of the seconds its connections waited on them, from /metrics. */
export async function databaseWaits(url: string, key: string): Promise<{ roundTrips: number; seconds: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
  const value = (name: string) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    if (!match) throw new Error(`${url}/metrics has no ${name}`);
    return Number(match[1]);
  };
  return { roundTrips: value('vouchsafe_db_round_trips_total'), seconds: value('vouchsafe_db_wait_seconds_total') };
}
