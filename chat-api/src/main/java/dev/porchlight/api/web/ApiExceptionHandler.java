package dev.porchlight.api.web;

import java.util.Locale;

import dev.porchlight.domain.common.DomainException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every failure of a REST call into an {@link ApiError}: a clear code and message,
 * never a stack trace. Unexpected failures are logged with their stack trace on the
 * server and answered with a neutral 500.
 */
@RestControllerAdvice
class ApiExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

	@ExceptionHandler(ApiException.class)
	ResponseEntity<ApiError> api(ApiException ex) {
		ResponseEntity.BodyBuilder response = ResponseEntity.status(ex.status());
		if (ex.retryAfter() != null) {
			response.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, ex.retryAfter().toSeconds())));
		}
		return response.body(ex.body());
	}

	@ExceptionHandler(DomainException.class)
	ResponseEntity<ApiError> domain(DomainException ex) {
		// A thing gone between the caller's check and its change (a race) is not found,
		// like everywhere else.
		HttpStatus status = ex.code().equals("not_found") ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST;
		return ResponseEntity.status(status).body(new ApiError(ex.code(), ex.getMessage()));
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException ex) {
		return ResponseEntity.badRequest()
			.body(new ApiError("malformed_request", "The request body is not valid JSON of the expected shape."));
	}

	@ExceptionHandler(MethodArgumentNotValidException.class)
	ResponseEntity<ApiError> invalid(MethodArgumentNotValidException ex) {
		String field = (ex.getBindingResult().getFieldError() != null)
				? ex.getBindingResult().getFieldError().getField() : "request";
		// An element of a list is wrong: the list's code (sites[2] -> invalid_sites).
		String code = "invalid_" + snakeCase(field.replaceAll("\\[[^]]*]", ""));
		return ResponseEntity.badRequest().body(new ApiError(code, "The field '" + field + "' is missing or invalid."));
	}

	private static String snakeCase(String field) {
		return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(Locale.ROOT);
	}

	@ExceptionHandler({ ServletRequestBindingException.class, TypeMismatchException.class,
			HandlerMethodValidationException.class })
	ResponseEntity<ApiError> badParameter(Exception ex) {
		return ResponseEntity.badRequest()
			.body(new ApiError("invalid_parameter", "A request parameter is missing or has the wrong type."));
	}

	@ExceptionHandler(HttpRequestMethodNotSupportedException.class)
	ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException ex) {
		return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
			.body(new ApiError("method_not_allowed", "This address does not accept that method."));
	}

	@ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
	ResponseEntity<ApiError> notAcceptable(HttpMediaTypeNotAcceptableException ex) {
		return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ApiError("not_acceptable", "This address answers application/json."));
	}

	@ExceptionHandler(HttpMediaTypeNotSupportedException.class)
	ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException ex) {
		return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.body(new ApiError("unsupported_media_type", "Send the body as application/json."));
	}

	@ExceptionHandler(NoResourceFoundException.class)
	ResponseEntity<ApiError> noResource(NoResourceFoundException ex) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new ApiError("not_found", "Nothing lives here."));
	}

	/**
	 * PostgreSQL or Redis cannot be reached: the caller may try again shortly, and the
	 * log gets one line, not a stack trace per request while a store is down.
	 */
	@ExceptionHandler(DataAccessException.class)
	ResponseEntity<ApiError> unavailable(DataAccessException ex) {
		log.warn("A request failed because a store could not be reached: {}", ex.getClass().getSimpleName());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "5")
			.body(new ApiError("unavailable", "This cannot be done right now. Please try again in a moment."));
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ApiError> unexpected(Exception ex) {
		log.error("Unexpected failure while handling a request", ex);
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
			.body(new ApiError("internal_error", "Something went wrong on our side. Please try again."));
	}

}
