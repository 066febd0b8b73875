export {
  type CardTransactionsData,
  type CardTransactionsOptions,
  generateCardTransactions,
} from './card-transactions.js';
export { cumulative, SeededRandom } from './seeded-random.js';
