package io.github.explain4j.djl.core;

import io.github.explain4j.api.Baseline;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A method's settings written once, as a record that implements this interface: each setting is a component,
 * checked in the compact constructor (so every way of making settings is checked); the method holds one record,
 * each wither copies it with one component changed, and the provenance parameters are derived from the components
 * by {@link #parameters()}.
 *
 * <pre>{@code
 * private record Settings(int samples, double noise, long seed) implements MethodSettings {
 *     Settings {
 *         positive("samples", samples);
 *     }
 * }
 *
 * public MyMethod samples(int n) {
 *     return new MyMethod(new Settings(n, settings.noise(), settings.seed()));
 * }
 *
 * public Map<String, String> parameters() {
 *     return settings.parameters();                      // {samples=50, noise=0.15}
 * }
 * }</pre>
 */
public interface MethodSettings {

    /**
     * The provenance text of one component, or {@code null} to leave it out of {@link #parameters()}. By default: a
     * {@code null} value and a component named {@code seed} (the provenance's own field,
     * {@link AttributionMethod#seed()}) are left out, a {@link Baseline} is its {@link Baseline#describe()
     * description}, a wrapped {@link AttributionMethod} its {@link AttributionMethod#name() name}, anything else
     * {@link String#valueOf(Object)}. Override it for the components whose text differs, and call this one for the
     * rest.
     *
     * @param component the component's name
     * @param value the component's value
     */
    default String describe(String component, Object value) {
        if (value == null || component.equals("seed")) {
            return null;
        }
        if (value instanceof Baseline b) {
            return b.describe();
        }
        if (value instanceof AttributionMethod m) {
            return m.name();
        }
        return String.valueOf(value);
    }

    /**
     * The settings as provenance parameters: each component described, in declaration order, under its name;
     * then, for each component that is itself a method (a wrapper's inner method), that method's parameters under
     * {@code "<its name>.<key>"}.
     *
     * @throws IllegalStateException if the implementation is not a record
     */
    default Map<String, String> parameters() {
        if (!(this instanceof Record)) {
            throw new IllegalStateException(getClass().getName() + " implements MethodSettings but is not a record");
        }
        Map<String, String> out = new LinkedHashMap<>();
        List<AttributionMethod> inner = new ArrayList<>();
        for (RecordComponent c : getClass().getRecordComponents()) {
            Object value = read(this, c.getAccessor());
            String text = describe(c.getName(), value);
            if (text != null) {
                out.put(c.getName(), text);
                if (value instanceof AttributionMethod m) {
                    inner.add(m);
                }
            }
        }
        for (AttributionMethod m : inner) {
            for (Map.Entry<String, String> e : m.parameters().entrySet()) {
                out.put(m.name() + "." + e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object read(Object settings, Method accessor) {
        try {
            // settings records are usually private to their method; every caller is in this module
            accessor.setAccessible(true);
            return accessor.invoke(settings);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            throw new IllegalStateException("cannot read the setting " + accessor.getName() + " of "
                    + settings.getClass().getName() + "; make the record public, or open its package to explain4j",
                    e);
        }
    }
}
