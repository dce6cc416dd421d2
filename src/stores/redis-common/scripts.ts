/**
 * The Lua scripts behind the Redis-backed stores: each store operation is one script, so it is
 * one round trip and atomic (a session and its user index never disagree, better-auth #11022).
 *
 * Session hash fields: `d:<key>` data value (JSON, see fields.ts), `c` createdAt, `s` lastSeenAt,
 * `e` expiresAt, `u` the user digest ("" when none), and the optional meta fields of fields.ts
 * (written with the data pairs at creation; no update touches them). `u` is always present, so
 * `HGET u` doubles as "does this session still exist".
 *
 * Scripts derive the user index key from the stored `u` (and list/revoke derive session keys
 * from index members) instead of declaring them in KEYS: those keys always carry the same hash
 * tag as the declared key (see layout.ts), so they sit in the same Cluster slot, which is what
 * Redis Cluster checks; Upstash runs such scripts under its default global lock. (Declaring
 * them is impossible: the index key depends on the stored user, the session keys on the index.)
 * One caveat: while a slot is being resharded, a script may not see a key already moved; the
 * worst outcome is an index entry dropped early, which the session's next write puts back.
 *
 * Every string a script returns starts with "~": @upstash/redis JSON-parses replies by default,
 * and no string starting with "~" is JSON, so values arrive exactly as stored on every client.
 */
import { LuaScript } from "./lua-script.js";

/** Lua prints big numbers as 1.7e+12; Redis wants integer milliseconds. */
const INT = `
local function int(n) return string.format('%.0f', n) end`;

/** Keeps a user's index right: moves the member between users, trims expired entries, and
 * expires the index together with its longest-lived session. */
const REINDEX = `${INT}
local function reindex(base, member, old, user, expires, now)
  if old and old ~= '' and old ~= user then redis.call('ZREM', base .. old, member) end
  if user == '' then return end
  local index = base .. user
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  redis.call('ZADD', index, expires, member)
  local last = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
  redis.call('PEXPIREAT', index, int(tonumber(last[2])))
end`;

/** New lastSeenAt/expiresAt/user on an existing session, and its index entry with them. */
const STAMP = `${REINDEX}
local function stamp(key, base, member, old, user, seen, expires, now)
  redis.call('HSET', key, 's', seen, 'e', expires, 'u', user)
  redis.call('PEXPIREAT', key, expires)
  reindex(base, member, old, user, tonumber(expires), now)
end`;

/** ARGV: base, member, now, c, s, e, u, then from \`first\` field/value pairs. */
const CREATE = `${REINDEX}
local function create(key, first)
  redis.call('HSET', key, 'c', ARGV[4], 's', ARGV[5], 'e', ARGV[6], 'u', ARGV[7])
  for i = first, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
  redis.call('PEXPIREAT', key, ARGV[6])
  reindex(ARGV[1], ARGV[2], nil, ARGV[7], tonumber(ARGV[6]), ARGV[3])
end`;

const DROP = `
local function drop(key, base, member)
  local user = redis.call('HGET', key, 'u')
  if user and user ~= '' then redis.call('ZREM', base .. user, member) end
  redis.call('DEL', key)
end`;

/** The members of one user's index in this bucket whose session is alive and still theirs;
 * expired and foreign entries are removed on the way. */
const OWNED = `
local function owned(index, base, user, now)
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  local live = {}
  for _, member in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    if redis.call('HGET', base .. member, 'u') == user then
      live[#live + 1] = member
    else
      redis.call('ZREM', index, member)
    end
  end
  return live
end`;

/**
 * KEYS: session. ARGV: index base, member, now, dueBefore ("" = no touch), idleMs, absoluteMs.
 * Returns "1" when this load extended the session ("0" otherwise), then the hash as a flat
 * field/value list (nothing more when there is no session). A session last seen before
 * dueBefore is first extended (lastSeenAt = now, expiresAt = min(now + idle, createdAt +
 * absolute)), but only while it is alive under the idle and absolute timeouts given now: a
 * session past them (idleTimeout shortened since it was stored, say) is returned as stored,
 * and the engine ends it.
 */
export const LOAD = new LuaScript(`${STAMP}
local key, now, due = KEYS[1], tonumber(ARGV[3]), tonumber(ARGV[4])
local touched = '~0'
if due then
  local m = redis.call('HMGET', key, 'c', 's', 'e', 'u')
  local created, seen, expires = tonumber(m[1]), tonumber(m[2]), tonumber(m[3])
  local idle, absolute = tonumber(ARGV[5]), tonumber(ARGV[6])
  if created and expires > now and seen < due and seen + idle > now and created + absolute > now then
    stamp(key, ARGV[1], ARGV[2], m[4], m[4], ARGV[3], int(math.min(now + idle, created + absolute)), now)
    touched = '~1'
  end
end
local all = redis.call('HGETALL', key)
for i = 1, #all do all[i] = '~' .. all[i] end
table.insert(all, 1, touched)
return all`);

/** KEYS: session. ARGV: index base, member, now, c, s, e, u, field/value pairs. */
export const SAVE = new LuaScript(`${CREATE}
create(KEYS[1], 8)
return 1`);

/**
 * KEYS: session. ARGV: index base, member, now, s, e, cleared ("1"/"0"), user ("=" keeps the
 * stored one), number of fields to delete, those fields, field/value pairs to set.
 * Returns 0 without writing anything when the session is gone (never resurrects it).
 */
export const UPDATE = new LuaScript(`${STAMP}
local key = KEYS[1]
local old = redis.call('HGET', key, 'u')
if not old then return 0 end
if ARGV[6] == '1' then
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, 2) == 'd:' then redis.call('HDEL', key, field) end
  end
end
local deletes = tonumber(ARGV[8])
for i = 9, 8 + deletes do redis.call('HDEL', key, ARGV[i]) end
for i = 9 + deletes, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
local user = ARGV[7] == '=' and old or ARGV[7]
stamp(key, ARGV[1], ARGV[2], old, user, ARGV[4], ARGV[5], ARGV[3])
return 1`);

/** KEYS: session. ARGV: index base, member, now, s, e. Returns 0 when the session is gone. */
export const TOUCH = new LuaScript(`${STAMP}
local user = redis.call('HGET', KEYS[1], 'u')
if not user then return 0 end
stamp(KEYS[1], ARGV[1], ARGV[2], user, user, ARGV[4], ARGV[5], ARGV[3])
return 1`);

/** KEYS: session. ARGV: index base, member. */
export const DELETE = new LuaScript(`${DROP}
drop(KEYS[1], ARGV[1], ARGV[2])
return 1`);

/**
 * KEYS: old session, new session (same bucket). ARGV: index base, new member, now, c, s, e, u,
 * old member, field/value pairs.
 */
export const RENEW = new LuaScript(`${DROP}${CREATE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
drop(KEYS[1], ARGV[1], ARGV[8])
create(KEYS[2], 9)
return 1`);

/**
 * KEYS: user index. ARGV: session base, user, now. Returns member, c, s, e, device label and IP
 * ("" when absent) per live session.
 */
export const LIST = new LuaScript(`${OWNED}
local out = {}
for _, member in ipairs(owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3])) do
  local m = redis.call('HMGET', ARGV[1] .. member, 'c', 's', 'e', 'l', 'i')
  for _, value in ipairs({member, m[1], m[2], m[3], m[4] or '', m[5] or ''}) do out[#out + 1] = '~' .. value end
end
return out`);

/**
 * KEYS: user index (in the bucket of the session). ARGV: session base, user, member.
 * Deletes that one session if it is still the user's; returns 1, else 0.
 */
export const REVOKE_ONE = new LuaScript(`
local key = ARGV[1] .. ARGV[3]
if redis.call('HGET', key, 'u') ~= ARGV[2] then return 0 end
redis.call('DEL', key)
redis.call('ZREM', KEYS[1], ARGV[3])
return 1`);

/** KEYS: user index. ARGV: session base, user, now, members to keep. Returns how many died. */
export const REVOKE = new LuaScript(`${OWNED}
local keep = {}
for i = 4, #ARGV do keep[ARGV[i]] = true end
local count = 0
for _, member in ipairs(owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3])) do
  if not keep[member] then
    redis.call('DEL', ARGV[1] .. member)
    redis.call('ZREM', KEYS[1], member)
    count = count + 1
  end
end
return count`);
