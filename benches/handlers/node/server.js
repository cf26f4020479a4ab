// The `order` function of examples/orders as a Node.js custom handler, written the way the Azure
// Functions custom-handler documentation writes its Node samples: an Express app, the body parsed
// by `express.json()`, one route per function, the port from FUNCTIONS_CUSTOMHANDLER_PORT.
//
// It does the baseline's work (benches/src/bin/baseline/handler.rs): parse the host's payload,
// take the posted order out of `Data.req.Body`, parse it, write it to the `message` output as
// compact JSON text, and answer the HTTP output `Order enqueued`, in the same response body.
// A payload without a valid order fails the invocation with a 400, as the baseline's does.
//
// The benchmark driver copies this file and package.json into target/azfn-bench/node/, installs
// Express there (`npm install`, only when missing) and starts `node server.js` as the host would.

'use strict';

const express = require('express');

const app = express();
app.use(express.json());

// The host's readiness probe.
app.get('/', (req, res) => {
  res.sendStatus(200);
});

// An order as customers post it: what the Rust handlers' `Order` struct accepts.
function isOrder(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    Number.isSafeInteger(value.id) &&
    value.id >= 0 &&
    Number.isInteger(value.quantity) &&
    value.quantity >= 0 &&
    value.quantity <= 0xffffffff &&
    typeof value.color === 'string'
  );
}

// POST /order: one invocation of `order` in payload mode.
app.post('/order', (req, res) => {
  const trigger = req.body && req.body.Data && req.body.Data.req;
  const body = trigger && trigger.Body;
  if (typeof body !== 'string') {
    res.status(400).send('the request has no body');
    return;
  }
  let order;
  try {
    order = JSON.parse(body);
  } catch (error) {
    res.status(400).send(`bad order: ${error.message}`);
    return;
  }
  if (!isOrder(order)) {
    res.status(400).send('bad order: expected {id, quantity, color}');
    return;
  }
  res.json({
    Outputs: {
      res: {
        statusCode: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'Order enqueued',
      },
      // The three fields, in the struct's order, as serde writes them.
      message: JSON.stringify({ id: order.id, quantity: order.quantity, color: order.color }),
    },
    Logs: [],
    ReturnValue: null,
  });
});

const port = Number(process.env.FUNCTIONS_CUSTOMHANDLER_PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('error: FUNCTIONS_CUSTOMHANDLER_PORT is missing or not a port number');
  // Never 0: the host does not restart a handler that exits with 0.
  process.exit(1);
}
// The host always connects to 127.0.0.1.
app.listen(port, '127.0.0.1').on('error', (error) => {
  console.error(`error: cannot listen on 127.0.0.1:${port}: ${error.message}`);
  process.exit(1);
});
