#!/usr/bin/env node
'use strict';
/*
 * Local Telegram Bot API emulator for the end-to-end tests (driven by tests/e2e/emulator.py).
 *
 * It runs the npm package `telegram-test-api` (pinned in package.json) and fixes what
 * python-telegram-bot 22 trips over (see shared/notes/ENGINEERING.md): routes of our own are put
 * at the front of the package's route list, so Express matches them before the package's own.
 *
 *   node tests/e2e/emulator/server.js [--host 127.0.0.1] [--port 0] [--exit-with-stdin]
 *
 * Host and port may also come from EMULATOR_HOST / EMULATOR_PORT; port 0 picks a free port.
 * Prints exactly one line on stdout, "READY <port>", once it listens (logs go to stderr).
 * --exit-with-stdin: stop when stdin closes, so a crashed test run never leaves a server behind.
 *
 * Bot side:   /bot<TOKEN>/<method> as Telegram serves it (PTB: base_url "http://host:port/bot").
 * User side:  POST /sendMessage, /sendCommand, /sendCallback (the package's client API, JSON).
 * Test side:  /test/calls, /test/botMessages, /test/inlineQuery, /test/block (added here, see below).
 * getUpdates and /test/botMessages long-poll (`timeout` / `wait`), as Telegram and a user's app do.
 * All state is in memory and keyed by bot token: one token per test keeps tests apart.
 */

const TelegramServer = require('telegram-test-api');
const { routes } = require('telegram-test-api/lib/routes/index');
const { unknownMethod } = require('telegram-test-api/lib/routes/bot/unknownMethod');

// ---------------------------------------------------------------------------------------------
// State the package does not keep, per bot token.
const calls = new Map(); // token -> [{method, params, time}]: every bot method called, for asserts
const commands = new Map(); // token -> Map(scope+language -> BotCommand[])
const chats = new Map(); // token -> Map(chat id -> Chat as the user side sent it)
const waiters = new Map(); // wait key -> Set of callbacks: requests held open (long polling)
const blocked = new Map(); // token -> Set(chat id): users who blocked the bot (see /test/block)
let nextFileId = 1;
let nextInlineQueryId = 1;

// PTB sends every non-string parameter JSON-encoded in a form field; decode the ones that are
// objects or lists so tests (and the package's own storage) see structures, not strings.
// Only these fields: decoding everything would turn a text like "42" into a number.
const JSON_FIELDS = new Set([
  'reply_markup', 'entities', 'caption_entities', 'commands', 'scope', 'results', 'button',
  'link_preview_options', 'reply_parameters', 'allowed_updates', 'media',
]);

const perToken = (map, token, make) => {
  if (!map.has(token)) map.set(token, make());
  return map.get(token);
};
const seconds = (millis) => Math.floor(millis / 1000);
const ok = (res, result) => res.json({ ok: true, result });
// Same shape as Telegram's errors, so PTB raises BadRequest (400) / EndPointNotFound (404).
const fail = (res, code, description) => res.status(code).json({ ok: false, error_code: code, description });

function decodeParams(raw) {
  const params = {};
  for (const [key, value] of Object.entries(raw)) {
    params[key] = value;
    if (JSON_FIELDS.has(key) && typeof value === 'string') {
      try {
        params[key] = JSON.parse(value);
      } catch (_err) {
        // leave it as sent; the method handler decides whether that is an error
      }
    }
  }
  return params;
}

// PTB uploads files as multipart/form-data, which the package cannot read. Node's built-in
// fetch Response parses it; we keep the text fields and a description of each file.
async function parseMultipart(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const form = await new Response(Buffer.concat(chunks), {
    headers: { 'content-type': req.headers['content-type'] },
  }).formData();
  const body = {};
  const files = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') body[name] = value;
    else {
      files[name] = { filename: value.name, mime_type: value.type, size: value.size };
      // A small text file (an .ics) is kept, so a test can read back what the user got.
      if (value.size <= 65536 && /^text\//.test(value.type)) files[name].text = await value.text();
    }
  }
  return { body, files };
}

// Long polling, as Telegram does it: a request with nothing to return yet waits until `wake(key)`
// or `seconds` pass, or the client hangs up. Saves polling in a tight loop, which costs both
// sides CPU and adds up to a poll interval to every reply.
const MAX_WAIT_SECONDS = 50; // Telegram's own cap on getUpdates' timeout
function waitFor(key, seconds, res) {
  return new Promise((resolve) => {
    const set = perToken(waiters, key, () => new Set());
    let timer = null;
    const done = () => {
      clearTimeout(timer);
      set.delete(done);
      if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
      resolve();
    };
    timer = setTimeout(done, Math.min(seconds, MAX_WAIT_SECONDS) * 1000);
    set.add(done);
    res.on('close', done); // the client gave up (PTB cancels its getUpdates when it stops)
  });
}
function wake(...keys) {
  for (const key of keys) {
    for (const done of [...(waiters.get(key) || [])]) done();
  }
}
const updatesKey = (token) => `updates ${token}`;
const botMessagesKey = (token, chatId) => `bot ${token} ${chatId === undefined ? '*' : String(chatId)}`;
const wakeBotMessageReaders = (token, chatId) => wake(botMessagesKey(token, chatId), botMessagesKey(token));

// Real tokens start with the bot's id ("123456:ABC..."); use it so each test bot has its own id.
function botUser(token) {
  const id = Number(String(token).split(':')[0]) || 666;
  return {
    id,
    is_bot: true, // PTB's initialize() needs it; the package's getMe leaves it out
    first_name: 'Test Bot',
    username: `test_${id}_bot`,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: true,
  };
}

function chatFor(token, chatId) {
  const known = perToken(chats, token, () => new Map()).get(String(chatId));
  if (known) return known;
  const id = Number(chatId);
  return id < 0 ? { id, type: 'group', title: 'Test group' } : { id, type: 'private', first_name: 'Test' };
}

// A stored bot message as a Telegram Message: date in seconds (the package stores ms), a `from`,
// the chat, and only an inline keyboard as reply_markup (Telegram never echoes other keyboards).
function messageView(entry) {
  const m = entry.message;
  const view = {
    message_id: entry.messageId,
    date: seconds(entry.time),
    chat: chatFor(entry.botToken, m.chat_id),
    from: botUser(entry.botToken),
  };
  for (const key of ['text', 'entities', 'caption', 'caption_entities', 'photo', 'document']) {
    if (m[key] !== undefined) view[key] = m[key];
  }
  if (m.reply_markup && m.reply_markup.inline_keyboard) view.reply_markup = m.reply_markup;
  if (entry.editDate) view.edit_date = entry.editDate;
  return view;
}

function findBotMessage(server, token, chatId, messageId) {
  return server.storage.botMessages.find((u) => u.botToken === token
    && String(u.messageId) === String(messageId)
    && (chatId === undefined || String(u.message.chat_id) === String(chatId)));
}

// Limits Telegram enforces and a bot can easily break; checked here so tests catch them.
function invalidMessage(params) {
  const text = params.text !== undefined ? params.text : params.caption;
  if (params.text !== undefined && String(params.text).trim() === '') return 'Bad Request: message text is empty';
  if (text !== undefined && String(text).length > (params.text !== undefined ? 4096 : 1024)) {
    return 'Bad Request: message is too long';
  }
  const markup = params.reply_markup;
  if (typeof markup === 'string') return "Bad Request: can't parse reply keyboard markup JSON object";
  for (const row of (markup && markup.inline_keyboard) || []) {
    for (const button of row) {
      const data = button.callback_data;
      if (data !== undefined && (Buffer.byteLength(String(data)) < 1 || Buffer.byteLength(String(data)) > 64)) {
        return 'Bad Request: BUTTON_DATA_INVALID'; // callback_data is 1-64 bytes
      }
    }
  }
  return null;
}

// Stores through the package (its counters, storage and events), then returns our entry.
function storeBotMessage(server, token, message) {
  const sent = server.addBotMessage(message, token);
  wakeBotMessageReaders(token, message.chat_id);
  return findBotMessage(server, token, undefined, sent.message_id);
}

// ---------------------------------------------------------------------------------------------
// Bot side. First: one route for every /bot<TOKEN>/<method> that reads multipart bodies,
// merges query and body, decodes JSON fields and records the call, then hands on (next()).
function botRequests(app) {
  app.all('/bot:token/:method', async (req, res, next) => {
    req.files = {};
    try {
      if (req.is('multipart/form-data')) Object.assign(req, await parseMultipart(req));
    } catch (err) {
      fail(res, 400, `Bad Request: unreadable multipart body (${err.message})`);
      return;
    }
    req.body = decodeParams({ ...req.query, ...req.body });
    // getUpdates is polled many times a second: recording it would only bury the real calls.
    if (req.params.method !== 'getUpdates') {
      perToken(calls, req.params.token, () => []).push({
        method: req.params.method,
        params: { ...req.body, ...req.files },
        time: Date.now(),
      });
    }
    if (SENDS.has(req.params.method) && isBlocked(req.params.token, req.body.chat_id)) {
      fail(res, 403, 'Forbidden: bot was blocked by the user'); // recorded above: tests see the attempt
      return;
    }
    next();
  });
}

// A user who blocked the bot: Telegram refuses every message to their chat with 403 until they
// write to the bot again (writing, or pressing Start, unblocks it).
const SENDS = new Set([
  'sendMessage', 'sendPhoto', 'sendDocument', 'sendChatAction', 'editMessageText', 'editMessageReplyMarkup',
]);
const isBlocked = (token, chatId) => chatId !== undefined && (blocked.get(token) || new Set()).has(String(chatId));
function setBlocked(token, chatId, on) {
  const set = perToken(blocked, token, () => new Set());
  if (on) set.add(String(chatId));
  else set.delete(String(chatId));
}

// Register `handler(req, res, server, token)` for one bot method.
const botMethod = (method, handler) => (app, server) => {
  app.all(`/bot:token/${method}`, (req, res) => handler(req, res, server, req.params.token));
};

const answerTrue = (...required) => (req, res) => {
  const missing = required.find((name) => req.body[name] === undefined);
  if (missing) fail(res, 400, `Bad Request: parameter "${missing}" is required`);
  else ok(res, true);
};

const commandScope = (params) => JSON.stringify([params.scope || { type: 'default' }, params.language_code || '']);

function editBotMessage(req, res, server, token, changes) {
  const params = req.body;
  // Messages sent through inline mode are not stored here; Telegram answers true for them.
  if (params.inline_message_id) {
    ok(res, true);
    return;
  }
  const entry = findBotMessage(server, token, params.chat_id, params.message_id);
  if (!entry) {
    fail(res, 400, 'Bad Request: message to edit not found');
    return;
  }
  const edited = { ...entry.message, ...changes };
  const problem = invalidMessage(edited);
  if (problem) {
    fail(res, 400, problem);
    return;
  }
  const visible = (m) => JSON.stringify([m.text, m.caption, m.reply_markup || null]);
  if (visible(edited) === visible(entry.message)) {
    // Telegram refuses an edit that changes nothing; bots must handle it, so tests see it too.
    fail(res, 400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    return;
  }
  entry.message = edited;
  entry.editDate = seconds(Date.now());
  entry.isRead = false; // the user sees the change: it shows up again among the unread updates
  wakeBotMessageReaders(token, entry.message.chat_id);
  ok(res, messageView(entry));
}

function sendFile(kind) {
  return (req, res, server, token) => {
    const params = req.body;
    const file = req.files[kind];
    if (!file && !params[kind]) {
      fail(res, 400, `Bad Request: there is no ${kind} in the request`);
      return;
    }
    const problem = invalidMessage(params);
    if (problem) {
      fail(res, 400, problem);
      return;
    }
    // An upload gets a fresh file_id; a file_id or URL the bot sent is kept as the id.
    const fileId = file ? `${kind}-${nextFileId++}` : String(params[kind]);
    const common = { file_id: fileId, file_unique_id: fileId, file_size: file ? file.size : undefined };
    const media = kind === 'photo'
      ? [{ ...common, width: 1, height: 1 }]
      : { ...common, file_name: file ? file.filename : undefined, mime_type: file ? file.mime_type : undefined };
    ok(res, messageView(storeBotMessage(server, token, { ...params, [kind]: media })));
  };
}

// Updates for the bot as Telegram formats them. The package's own formatter drops
// chat_instance (PTB then ignores the button press), passes user dates as given and has no
// inline queries.
function formatUpdate(update) {
  if (update.callbackQuery) {
    const q = update.callbackQuery;
    return {
      update_id: update.updateId,
      callback_query: {
        id: String(update.callbackId), from: q.from, message: q.message, chat_instance: q.chat_instance, data: q.data,
      },
    };
  }
  if (update.inlineQuery) return { update_id: update.updateId, inline_query: update.inlineQuery };
  const { botToken: _token, ...message } = update.message;
  const date = message.date === undefined ? seconds(update.time) : Number(message.date);
  return {
    update_id: update.updateId,
    message: { ...message, message_id: update.messageId, date: date > 1e11 ? seconds(date) : date },
  };
}

const botRoutes = [
  botRequests,
  botMethod('getMe', (req, res, server, token) => ok(res, botUser(token))),
  // Telegram's semantics: an update stays pending until a later call's `offset` passes its id
  // (so a bot that stops mid-batch gets it again), and `timeout` makes the call wait for one.
  botMethod('getUpdates', async (req, res, server, token) => {
    const offset = Number(req.body.offset) || 0;
    const pending = () => server.storage.userMessages.filter((u) => {
      if (u.botToken !== token || u.isRead) return false;
      if (u.updateId >= offset) return true;
      u.isRead = true; // confirmed by the offset
      return false;
    });
    let updates = pending();
    const timeout = Number(req.body.timeout) || 0;
    if (updates.length === 0 && timeout > 0) {
      await waitFor(updatesKey(token), timeout, res);
      if (res.destroyed) return;
      updates = pending();
    }
    const limit = Math.min(Math.max(Number(req.body.limit) || 100, 1), 100);
    ok(res, updates.slice(0, limit).map(formatUpdate));
  }),
  botMethod('sendMessage', (req, res, server, token) => {
    const problem = req.body.chat_id === undefined ? 'Bad Request: chat_id is empty' : invalidMessage(req.body);
    if (problem) fail(res, 400, problem);
    else ok(res, messageView(storeBotMessage(server, token, req.body)));
  }),
  botMethod('sendPhoto', sendFile('photo')),
  botMethod('sendDocument', sendFile('document')),
  // editMessageText without reply_markup removes the inline keyboard, as in Telegram.
  botMethod('editMessageText', (req, res, server, token) => editBotMessage(req, res, server, token, {
    text: req.body.text, parse_mode: req.body.parse_mode, entities: req.body.entities, reply_markup: req.body.reply_markup,
  })),
  botMethod('editMessageReplyMarkup', (req, res, server, token) => editBotMessage(req, res, server, token, {
    reply_markup: req.body.reply_markup,
  })),
  botMethod('setMyCommands', (req, res, server, token) => {
    if (!Array.isArray(req.body.commands)) {
      fail(res, 400, 'Bad Request: parameter "commands" must be a list of BotCommand');
      return;
    }
    perToken(commands, token, () => new Map()).set(commandScope(req.body), req.body.commands);
    ok(res, true);
  }),
  botMethod('getMyCommands', (req, res, server, token) => {
    ok(res, perToken(commands, token, () => new Map()).get(commandScope(req.body)) || []);
  }),
  botMethod('deleteMyCommands', (req, res, server, token) => {
    perToken(commands, token, () => new Map()).delete(commandScope(req.body));
    ok(res, true);
  }),
  // Accepted and recorded only (the recording is what tests assert on).
  botMethod('setMyDescription', answerTrue()),
  botMethod('setMyShortDescription', answerTrue()),
  botMethod('setWebhook', answerTrue('url')),
  botMethod('deleteWebhook', answerTrue()),
  botMethod('sendChatAction', answerTrue('chat_id', 'action')),
  botMethod('answerCallbackQuery', answerTrue('callback_query_id')),
  botMethod('answerInlineQuery', answerTrue('inline_query_id', 'results')),
];

// Replaces the package's catch-all, which answers HTTP 500 with a non-Telegram body.
function unknownBotMethod(app) {
  app.all('/bot:token/:method', (req, res) => {
    fail(res, 404, `Not Found: method ${req.params.method} is not implemented by the test emulator`);
  });
}

// ---------------------------------------------------------------------------------------------
// User side. The package's handlers do not await their promise: a request without botToken
// rejected unhandled and killed node. These answer 400 instead, and complete what PTB needs.
function rememberChat(token, chat) {
  if (chat && chat.id !== undefined) {
    perToken(chats, token, () => new Map()).set(String(chat.id), chat);
    setBlocked(token, chat.id, false); // writing to a bot one blocked unblocks it, as in Telegram
  }
}

function userRoutes(app, server) {
  const clientPaths = ['/sendMessage', '/sendCommand', '/sendCallback', '/getUpdates', '/getUpdatesHistory'];
  app.post(clientPaths, (req, res, next) => {
    // The package names the field botToken when sending and token when reading.
    if (!req.body || !(req.body.botToken || req.body.token)) fail(res, 400, 'Bad Request: botToken is required');
    else next();
  });

  app.post(['/sendMessage', '/sendCommand'], async (req, res) => {
    const message = req.body;
    const isCommand = req.path === '/sendCommand';
    if (!message.chat || message.chat.id === undefined || !message.from) {
      fail(res, 400, 'Bad Request: a user message needs `chat` and `from`');
      return;
    }
    if (isCommand && !Array.isArray(message.entities)) {
      fail(res, 400, 'Bad Request: a command needs a bot_command entity');
      return;
    }
    rememberChat(message.botToken, message.chat);
    const messageId = server.messageId; // the id the package is about to give this message
    try {
      await (isCommand ? server.addUserCommand(message) : server.addUserMessage(message));
      wake(updatesKey(message.botToken));
      ok(res, { message_id: messageId });
    } catch (err) {
      fail(res, 400, `Bad Request: ${err.message}`);
    }
  });

  // A button press needs the full message it was on (PTB wants message_id, date and chat) and a
  // chat_instance. Given the message_id of a bot message, the message is taken from storage.
  app.post('/sendCallback', async (req, res) => {
    const { botToken, from, data } = req.body;
    const ref = req.body.message || {};
    const entry = findBotMessage(server, botToken, ref.chat && ref.chat.id, ref.message_id);
    const message = entry ? messageView(entry) : ref;
    if (!from || data === undefined || message.message_id === undefined || !message.chat || !message.date) {
      fail(res, 400, 'Bad Request: a callback needs `from`, `data` and a bot message (message_id, chat, date)');
      return;
    }
    setBlocked(botToken, message.chat.id, false);
    try {
      await server.addUserCallback({ botToken, from, data, message, chat_instance: `chat-${message.chat.id}` });
      wake(updatesKey(botToken));
      ok(res, true);
    } catch (err) {
      fail(res, 400, `Bad Request: ${err.message}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Test side: what the bot did, and the update kinds the package cannot send.
function testRoutes(app, server) {
  const tokenOf = (req) => req.body.token || req.body.botToken || req.query.token;
  app.all('/test/:what', (req, res, next) => {
    if (!tokenOf(req)) fail(res, 400, 'Bad Request: token is required');
    else next();
  });

  // ?token=...[&method=...]: the recorded bot method calls, oldest first.
  app.all('/test/calls', (req, res) => {
    const method = req.body.method || req.query.method;
    const recorded = calls.get(tokenOf(req)) || [];
    ok(res, method ? recorded.filter((c) => c.method === method) : recorded);
  });

  // {token, chat_id, unread_only, wait}: messages the bot sent to a chat, as Telegram Messages
  // plus what the user would see but a Message does not carry (parse_mode, any keyboard, edited).
  // unread_only marks them read: new and edited messages since the last such request; with
  // `wait` (seconds) the request waits, like the user's app, until there is one.
  app.post('/test/botMessages', async (req, res) => {
    const token = tokenOf(req);
    const chatId = req.body.chat_id;
    const select = () => server.storage.botMessages.filter((u) => u.botToken === token
      && (chatId === undefined || String(u.message.chat_id) === String(chatId))
      && (!req.body.unread_only || !u.isRead));
    let entries = select();
    const wait = Number(req.body.wait) || 0;
    if (entries.length === 0 && req.body.unread_only && wait > 0) {
      await waitFor(botMessagesKey(token, chatId), wait, res);
      if (res.destroyed) return;
      entries = select();
    }
    if (req.body.unread_only) entries.forEach((u) => { u.isRead = true; });
    ok(res, entries.map((u) => ({
      ...messageView(u),
      parse_mode: u.message.parse_mode,
      reply_markup: u.message.reply_markup,
      edited: Boolean(u.editDate),
    })));
  });

  // {token, chat_id, blocked?}: the user of chat_id blocks the bot (blocked: false lifts it). Until
  // they write again, every send to that chat answers 403 "Forbidden: bot was blocked by the user".
  app.post('/test/block', (req, res) => {
    if (req.body.chat_id === undefined) {
      fail(res, 400, 'Bad Request: chat_id is required');
      return;
    }
    setBlocked(tokenOf(req), req.body.chat_id, req.body.blocked !== false);
    ok(res, true);
  });

  // {token, from, query, offset?, chat_type?}: an inline query for the bot; answers the id the
  // bot must use in answerInlineQuery (read it back from /test/calls).
  app.post('/test/inlineQuery', async (req, res) => {
    const token = tokenOf(req);
    if (!req.body.from) {
      fail(res, 400, 'Bad Request: an inline query needs `from`');
      return;
    }
    const inlineQuery = {
      id: String(nextInlineQueryId++),
      from: req.body.from,
      query: String(req.body.query || ''),
      offset: String(req.body.offset || ''),
      chat_type: req.body.chat_type || 'sender',
    };
    await server.addUserUpdate({ ...server.getCommonFields(token), inlineQuery });
    wake(updatesKey(token));
    ok(res, inlineQuery);
  });
}

// ---------------------------------------------------------------------------------------------
function option(name, envName, fallback) {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i >= 0) return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
  return process.env[envName] || fallback;
}

async function main() {
  const host = option('host', 'EMULATOR_HOST', '127.0.0.1');
  const port = Number(option('port', 'EMULATOR_PORT', '0'));

  routes.unshift(userRoutes, testRoutes, ...botRoutes);
  routes[routes.indexOf(unknownMethod)] = unknownBotMethod;

  // storeTimeout: the package drops messages older than this (default 60 s) under a slow test.
  const server = new TelegramServer({ host, port, storeTimeout: 3600 });
  server.config.port = port; // the package turns 0 into its default 9000; 0 means "any free port"
  await server.start();
  process.stdout.write(`READY ${server.server.address().port}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 2000).unref(); // do not wait on a stuck keep-alive socket
    await server.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (process.argv.includes('--exit-with-stdin')) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}

// A test must see an error answer, never a dead emulator.
process.on('unhandledRejection', (err) => console.error('emulator: unhandled rejection:', err));

main().catch((err) => {
  console.error('emulator: failed to start:', err);
  process.exit(1);
});
