package org.smimepickup.service;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), enough to check
 * what node_exporter's textfile collector would accept: comment lines, {@code # TYPE} before
 * the samples of its family, one type per family, sample lines of name, optional labels and a
 * number, a newline at the end. Throws {@link AssertionError} naming the offending line.
 */
final class PrometheusText {
    private static final Pattern TYPE = Pattern.compile(
            "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)"
            + "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
            + "(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*\\})?"
            + " ([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))( -?[0-9]+)?");
    private static final Set<String> HISTOGRAM_SUFFIXES = Set.of("_bucket", "_sum", "_count");

    private PrometheusText() {
    }

    /** Every sample, keyed by its name and labels as written; fails on any format error. */
    static Map<String, Double> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the text must end with a newline");
        }
        Map<String, String> types = new HashMap<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                comment(line, types, samples);
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new AssertionError("not a sample line: " + line);
            }
            String family = family(sample.group(1), types);
            if (family == null) {
                throw new AssertionError("sample before its # TYPE line: " + line);
            }
            String key = sample.group(1) + (sample.group(2) == null ? "" : sample.group(2));
            if (samples.put(key, Double.parseDouble(sample.group(3)
                    .replace("Inf", "Infinity"))) != null) {
                throw new AssertionError("sample given twice: " + key);
            }
        }
        return samples;
    }

    private static void comment(String line, Map<String, String> types,
            Map<String, Double> samples) {
        Matcher type = TYPE.matcher(line);
        if (type.matches()) {
            if (types.put(type.group(1), type.group(2)) != null) {
                throw new AssertionError("second # TYPE for " + type.group(1));
            }
            if (samples.keySet().stream().anyMatch(k -> k.startsWith(type.group(1)))) {
                throw new AssertionError("# TYPE after samples of " + type.group(1));
            }
        } else if (line.startsWith("# HELP") && !HELP.matcher(line).matches()) {
            throw new AssertionError("malformed HELP line: " + line);
        }
    }

    /** The declared family a sample belongs to (histograms add suffixes); null if none. */
    private static String family(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : HISTOGRAM_SUFFIXES) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if ("histogram".equals(types.get(base))) {
                    return base;
                }
            }
        }
        return null;
    }
}
