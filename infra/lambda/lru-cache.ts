// Bundled in place of mnemonist/lru-cache (the stack's esbuild `--alias`). Its only user in a
// bundle is the DynamoDB client's endpoint-discovery cache (@aws-sdk/endpoint-cache), which calls
// get, set, has, peek and clear and which DynamoDB uses only when endpoint discovery is turned on
// (it is not); mnemonist and obliterator are ≈ 7 KB of every bundle. A Map keeps insertion order:
// the least recently used entry is the first one.
export default class LRUCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get size() {
    return this.map.size;
  }

  has(key: K) {
    return this.map.has(key);
  }

  /** The value without marking it used. */
  peek(key: K) {
    return this.map.get(key);
  }

  get(key: K) {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key) as V;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
    return this;
  }

  clear() {
    this.map.clear();
  }
}
