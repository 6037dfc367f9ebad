package io.github.langchain4j.moi.samples.web;

import io.github.langchain4j.moi.ContextOverflowException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

/**
 * Failures that are the request's fault answered as such, with a message, instead of 500: a prompt over the
 * context (413), a body that is not the expected JSON or a value the model rejects (400).
 */
@RestControllerAdvice
class ErrorStatusAdvice {

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the body must be JSON like {\"message\": \"...\"}");
    }

    @ExceptionHandler(ResponseStatusException.class)
    ProblemDetail status(ResponseStatusException e) {
        return ProblemDetail.forStatusAndDetail(e.getStatusCode(), e.getReason());
    }

    @ExceptionHandler(RuntimeException.class)
    ProblemDetail failure(RuntimeException e) throws RuntimeException {
        // AI Services may wrap the engine's exception: look at the causes too
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ContextOverflowException) {
                return ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, cause.getMessage());
            }
            if (cause instanceof IllegalArgumentException) {
                return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, cause.getMessage());
            }
        }
        throw e; // a server fault: Spring's own handling (500),
    }
}
