package dev.eddy.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parser for one flat JSON object whose values are strings, numbers, booleans or null: enough for command
 * records, without a JSON library. Values are returned as their text (strings unescaped, null as absent).
 */
final class FlatJson {

    private final String s;
    private int i;

    private FlatJson(String s) {
        this.s = s;
    }

    /** @throws IllegalArgumentException naming the position and what was expected */
    static Map<String, String> parse(String json) {
        return new FlatJson(json).object();
    }

    private Map<String, String> object() {
        Map<String, String> fields = new LinkedHashMap<>();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            i++;
        } else {
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                String value = peek() == '"' ? string() : bare();
                if (value != null) {
                    fields.put(key, value);
                }
                skipSpace();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    break;
                }
            }
        }
        skipSpace();
        if (i != s.length()) {
            throw error("end of input");
        }
        return fields;
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("4 hex digits");
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
    }

    /** A number, true, false or null (returned as Java null). */
    private String bare() {
        int start = i;
        while (i < s.length() && ",} \t\r\n".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        String word = s.substring(start, i);
        if (word.equals("null")) {
            return null;
        }
        if (word.equals("true") || word.equals("false") || word.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
            return word;
        }
        i = start;
        throw error("a string, number, boolean or null");
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw error("more input");
        }
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        i++;
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException("bad JSON command at position " + i + ": expected " + expected);
    }
}
