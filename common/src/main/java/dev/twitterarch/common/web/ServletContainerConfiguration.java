package dev.twitterarch.common.web;

import java.io.IOException;

import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What the servlet container answers on its own, made to follow the API's error contract: Tomcat's
 * HTML error report becomes {@link ProblemReportValve}'s problem details, and TRACE is answered by
 * Spring MVC like any other method a path does not support (405 with the path's real Allow header)
 * instead of by Tomcat, which lists every method the DispatcherServlet has a {@code doXxx} for.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(WebMvcProperties.class)
class ServletContainerConfiguration {

    @Bean
    TomcatProblemDetails tomcatProblemDetails() {
        return new TomcatProblemDetails();
    }

    static final class TomcatProblemDetails implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatWebServerFactory factory) {
            factory.addContextCustomizers(context -> useProblemReportValve(context.getParent()));
            // Tomcat refuses TRACE itself unless allowed; allowed, it reaches TraceRefusingDispatcherServlet
            factory.addConnectorCustomizers(connector -> connector.setAllowTrace(true));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE; // after Boot's customizer, which installs a plain ErrorReportValve
        }

        private static void useProblemReportValve(Container host) {
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                    host.getPipeline().removeValve(valve);
                }
            }
            host.getPipeline().addValve(new ProblemReportValve());
            // and the host must not add its default one at start
            ((StandardHost) host).setErrorReportValveClass(ProblemReportValve.class.getName());
        }
    }

    /** Spring Boot's own dispatcher servlet, set up as Boot sets it up, with the TRACE change below. */
    @Bean(name = DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME)
    DispatcherServlet dispatcherServlet(WebMvcProperties properties) {
        DispatcherServlet dispatcherServlet = new TraceRefusingDispatcherServlet();
        dispatcherServlet.setDispatchOptionsRequest(properties.isDispatchOptionsRequest());
        dispatcherServlet.setPublishEvents(properties.isPublishRequestHandledEvents());
        dispatcherServlet.setEnableLoggingRequestDetails(properties.isLogRequestDetails());
        return dispatcherServlet;
    }

    /**
     * TRACE goes through the handler mappings like GET or DELETE, so no mapping accepting it means a
     * 405 problem with the Allow header of that path. FrameworkServlet would instead fall back to
     * HttpServlet's TRACE, which echoes the request's headers back (cross-site tracing), and appends
     * that echo even after an error response.
     */
    static final class TraceRefusingDispatcherServlet extends DispatcherServlet {

        @Override
        protected void doTrace(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            processRequest(request, response);
        }
    }
}
