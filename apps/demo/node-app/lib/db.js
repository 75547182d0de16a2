// The shop's "database": in memory, with the latency of a real one.
const products = [
  { id: 1, name: 'keyboard', price: 49 },
  { id: 2, name: 'mouse', price: 19 },
  { id: 3, name: 'monitor', price: 189 },
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run a query; resolves with its rows. Orders take 0–7 ms; every 13th order fails. */
async function query(sql, params = []) {
  if (sql.startsWith('SELECT * FROM products')) return products;
  const id = params[0];
  await sleep(id % 8);
  if (id % 13 === 0) throw new Error(`deadlock detected while reading order ${id}`);
  return id > 900 ? [] : [{ id, product: products[id % products.length].id, quantity: 1 + (id % 4) }];
}

module.exports = { query };
