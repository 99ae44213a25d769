package dev.twitterarch.step6;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script that Redis keeps: sent once ({@code SCRIPT LOAD}), then called by its SHA-1 digest
 * ({@code EVALSHA}), so a call carries the keys and arguments only, never the source. Redis forgets
 * its scripts when it restarts; the next call then gets NOSCRIPT, loads the script again and retries.
 * A script runs atomically: no other command runs in Redis while it does.
 */
record LuaScript(String name, String source, String sha) {

    static LuaScript of(String name, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(name, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void load(UnifiedJedis jedis) {
        String loaded = jedis.scriptLoad(source);
        if (!sha.equals(loaded)) {
            throw new IllegalStateException("Redis gave script " + name + " the digest " + loaded + ", expected " + sha);
        }
    }

    Object run(UnifiedJedis jedis, List<String> keys, List<String> args) {
        try {
            return jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            load(jedis);
            return jedis.evalsha(sha, keys, args);
        }
    }
}
