// A stand-in database module: probes attach to its exports by module and name.
const users = [
  { id: 1, name: 'ada' },
  { id: 2, name: 'linus' },
];

/** Rows for `sql` (a fake: every query returns up to `limit` users), after a short wait. */
async function query(_sql, limit) {
  await new Promise((resolve) => setTimeout(resolve, 2));
  return users.slice(0, limit ?? users.length);
}

function count(table) {
  return table === 'users' ? users.length : 0;
}

module.exports = { query, count };
