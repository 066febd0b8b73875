export { Keel, type OpenKeelOptions } from './keel.js';
