import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/swagger/api-problems.decorator.js';
import { DEMO_HTML, DEMO_JS } from './demo.page.js';

/** The demo merchant page (sandbox only): what a newcomer opens after `npm start`. */
@ApiTags('Sandbox')
@Controller('demo')
export class DemoController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The demo shop: connect an account, take a payment, watch the webhook events (uses only the public API)' })
  @ApiProduces('text/html')
  @ApiProblems()
  page(): string {
    return DEMO_HTML;
  }

  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "The demo shop's script" })
  @ApiProduces('text/javascript')
  @ApiProblems()
  script(): string {
    return DEMO_JS;
  }
}
