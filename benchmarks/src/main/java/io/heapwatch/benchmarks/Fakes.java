package io.heapwatch.benchmarks;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ServletContext} and a {@link FilterConfig} good enough to initialize filters outside a container. Built as
 * proxies because only setup code calls them, never the measured request path.
 */
final class Fakes {

    private Fakes() {}

    /** A servlet context at path "" with the given init parameters and a working attribute map. */
    static ServletContext servletContext(Map<String, String> initParameters) {
        Map<String, Object> attributes = new ConcurrentHashMap<>();
        attributes.put(ServletContext.TEMPDIR, new java.io.File(System.getProperty("java.io.tmpdir")));
        return (ServletContext) Proxy.newProxyInstance(
                Fakes.class.getClassLoader(), new Class<?>[] {ServletContext.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getContextPath":
                            return "";
                        case "getServletContextName":
                            return "bench";
                        case "getServerInfo":
                            return "heapwatch-benchmarks/1.0";
                        case "getMajorVersion":
                        case "getEffectiveMajorVersion":
                            return 6;
                        case "getMinorVersion":
                        case "getEffectiveMinorVersion":
                            return 0;
                        case "getInitParameter":
                            return initParameters.get((String) args[0]);
                        case "getInitParameterNames":
                            return Collections.enumeration(initParameters.keySet());
                        case "getAttribute":
                            return attributes.get((String) args[0]);
                        case "getAttributeNames":
                            return Collections.enumeration(attributes.keySet());
                        case "setAttribute":
                            if (args[1] == null) {
                                attributes.remove((String) args[0]);
                            } else {
                                attributes.put((String) args[0], args[1]);
                            }
                            return null;
                        case "removeAttribute":
                            attributes.remove((String) args[0]);
                            return null;
                        case "log":
                            return null;
                        case "getRealPath":
                        case "getResource":
                        case "getResourceAsStream":
                        case "getResourcePaths":
                        case "getMimeType":
                        case "getContext":
                            return null;
                        case "getClassLoader":
                            return Fakes.class.getClassLoader();
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "FakeServletContext";
                        default:
                            throw new UnsupportedOperationException("ServletContext." + method.getName());
                    }
                });
    }

    /** A filter config with the given name, context and init parameters. */
    static FilterConfig filterConfig(String name, ServletContext context, Map<String, String> initParameters) {
        Map<String, String> params = new HashMap<>(initParameters);
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return name;
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String n) {
                return params.get(n);
            }

            @Override
            public java.util.Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }
}
