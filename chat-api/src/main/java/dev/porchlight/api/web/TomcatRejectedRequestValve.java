package dev.porchlight.api.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Tomcat refuses some addresses before any filter runs (a bad percent-encoding in the
 * path, an encoded slash or backslash, a NUL) and would answer them with its own HTML
 * page without security headers. This valve, first in the engine's pipeline, answers them
 * like every other malformed request instead.
 */
class TomcatRejectedRequestValve extends ValveBase {

	TomcatRejectedRequestValve() {
		super(true);
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		// Only Tomcat itself can have failed a request before the pipeline starts.
		if (response.getStatus() == Response.SC_BAD_REQUEST && response.isErrorReportRequired()
				&& response.setErrorReported()) {
			response.setSuspended(false);
			// The raw address: the decoded one is empty when decoding is what failed, and
			// the answer's form (JSON for the API, HTML for pages) depends on it.
			String raw = request.getCoyoteRequest().requestURI().toString();
			String uri = (raw != null && !raw.isEmpty()) ? raw : request.getRequestURI();
			MalformedRequests.reject(request, response, (uri != null && !uri.isEmpty())
					? MalformedRequests.Problem.ADDRESS : MalformedRequests.Problem.UNREADABLE, uri);
		}
		getNext().invoke(request, response);
	}

}
